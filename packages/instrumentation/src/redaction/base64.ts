// SPDX-License-Identifier: Apache-2.0
/**
 * Base64 inside a text: the runs worth decoding, and whether what a run decodes to is text (the redactor scans that
 * text and redacts the whole run as what it finds).
 */

/** Shortest base64 run decoded (12 bytes of text: a short e-mail address or a card number). */
export const MIN_BASE64_RUN = 16;

const isBase64RunCode = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 43 || c === 47 || c === 45 || c === 95;

/** The shortest run of base64 characters that, with at most two `=`, can make a {@link MIN_BASE64_RUN} run. */
const MIN_BASE64_CHARS = MIN_BASE64_RUN - 2;

/**
 * Maximal runs of base64 / base64url characters, each with up to two `=` after it, that are at least
 * {@link MIN_BASE64_RUN} long, as [start, end) pairs. Every run of {@link MIN_BASE64_CHARS} or more characters
 * covers one of the positions probed, MIN_BASE64_CHARS apart, so a text of short words is read at about one
 * character in ten (a loop over every character cost a third of a scan).
 */
export function base64Runs(text: string): number[] {
  const runs: number[] = [];
  const length = text.length;
  // `free`: the first character not yet part of a run found.
  let free = 0;
  for (let probe = MIN_BASE64_CHARS - 1; probe < length; ) {
    if (!isBase64RunCode(text.charCodeAt(probe))) {
      free = probe + 1;
      probe += MIN_BASE64_CHARS;
      continue;
    }
    let start = probe;
    while (start > free && isBase64RunCode(text.charCodeAt(start - 1))) start--;
    let end = probe + 1;
    while (end < length && isBase64RunCode(text.charCodeAt(end))) end++;
    const charsEnd = end;
    while (end < length && end - charsEnd < 2 && text.charCodeAt(end) === 61 /* = */) end++;
    if (end - start >= MIN_BASE64_RUN) runs.push(start, end);
    free = end;
    probe = end + MIN_BASE64_CHARS - 1;
  }
  return runs;
}

/** Whether decoded bytes are text worth scanning: valid UTF-8, no control characters but tab and line breaks. */
export function isText(decoded: string): boolean {
  for (let i = 0; i < decoded.length; i++) {
    const c = decoded.charCodeAt(i);
    if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f || c === 0xfffd) return false;
  }
  return decoded.length > 0;
}

/** The 6-bit value of each base64 and base64url character (Node decodes both alphabets either way); -1 otherwise. */
const SEXTETS = new Int8Array(128).fill(-1);
"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".split("").forEach((c, i) => (SEXTETS[c.charCodeAt(0)] = i));
SEXTETS[45] = 62; // -
SEXTETS[95] = 63; // _

/**
 * False when the bytes `run` (a run of base64Runs) decodes to are certainly not {@link isText}: one of them is a
 * control character (a byte below 0x80 decodes as itself, whatever precedes it) or starts or continues an invalid
 * UTF-8 sequence (which decodes as U+FFFD). True otherwise, and then only decoding tells. Reads the run's whole groups
 * of four characters, whose bytes begin the decoded ones, and stops at the first byte that settles it: random data,
 * the usual run, is told apart within a few bytes, without a buffer or a string.
 */
export function mayDecodeToText(run: string): boolean {
  let chars = run.length;
  while (chars > 0 && run.charCodeAt(chars - 1) === 61 /* = */) chars--;
  const groupsEnd = chars - (chars % 4);
  // Continuation bytes the current UTF-8 sequence still needs, and the range the next one must fall in.
  let pending = 0;
  let low = 0x80;
  let high = 0xbf;
  for (let i = 0; i < groupsEnd; i += 4) {
    const bits =
      (SEXTETS[run.charCodeAt(i)] << 18) | (SEXTETS[run.charCodeAt(i + 1)] << 12) | (SEXTETS[run.charCodeAt(i + 2)] << 6) | SEXTETS[run.charCodeAt(i + 3)];
    for (let shift = 16; shift >= 0; shift -= 8) {
      const byte = (bits >>> shift) & 0xff;
      if (pending > 0) {
        if (byte < low || byte > high) return false;
        low = 0x80;
        high = 0xbf;
        pending--;
      } else if (byte < 0x80) {
        if ((byte < 0x20 && byte !== 9 && byte !== 10 && byte !== 13) || byte === 0x7f) return false;
      } else if (byte >= 0xc2 && byte <= 0xdf) {
        pending = 1;
      } else if (byte >= 0xe0 && byte <= 0xef) {
        // No overlong forms (E0 needs A0+) and no surrogates (ED needs below A0).
        pending = 2;
        if (byte === 0xe0) low = 0xa0;
        if (byte === 0xed) high = 0x9f;
      } else if (byte >= 0xf0 && byte <= 0xf4) {
        // No overlong forms (F0 needs 90+) and nothing past U+10FFFF (F4 needs below 90).
        pending = 3;
        if (byte === 0xf0) low = 0x90;
        if (byte === 0xf4) high = 0x8f;
      } else {
        return false;
      }
    }
  }
  return true;
}
