// SPDX-License-Identifier: Apache-2.0
/**
 * Where the number detectors (cards, US SSNs, phones) can find something, found by one probing pass, so that each
 * tries its exact pattern at a few positions instead of searching the whole text with a regex of its own.
 *
 * Every character those patterns match is a digit, a space, `.`, `/`, `-`, `(`, `)` or `+` (a "number character"),
 * and a match starts at a digit, `(` or `+`. A match that is kept holds at least 8 digits (a phone; an SSN 9, a
 * card 13), so it lies in a maximal run of number characters that holds that many digits and is at least 8 long.
 * A match in any other run is one the detector rejects, and it ends inside its run: skipping such runs changes
 * nothing that follows. Inside a run that qualifies, the candidates are the positions where the pattern can start,
 * each condition implied by the pattern's first characters (a `\b` before a digit means the digit starts a run of
 * digits and follows no letter or `_`; `\d{4}[ ./-]` means the run is exactly four digits long and a separator
 * follows). A detector that tries its pattern, anchored, at each candidate left to right, skipping those inside its
 * last match, finds what its global search found, in the same order.
 *
 * Probing: a run of 8 or more covers one of the positions read {@link STRIDE} apart, and from any of its positions
 * the character 4 before or 4 after is in it too, so a probe whose neighbours are not number characters starts
 * nothing worth reading. A run found is read once, whole; later probes inside it are skipped.
 */

import { CLOSE_PAREN, isDigitCode, isWordCode, OPEN_PAREN, PLUS, SPACE } from "./char-codes.js";

/** Candidate start positions of each number detector, in increasing order (undefined: none). */
export interface Candidates {
  card: number[] | undefined;
  ssn: number[] | undefined;
  phone: number[] | undefined;
}

/** Fewest characters, and digits, of a match kept by each detector. */
const MIN_RUN = 8;
const MIN_PHONE_DIGITS = 8;
const MIN_SSN_DIGITS = 9;
const MIN_CARD_DIGITS = 13;
/** Distance between probes: at most the shortest run looked for. */
const STRIDE = MIN_RUN;

/** Number characters: [0-9 ./()+-]. */
const NUMBER_CHARS = new Uint8Array(128);
for (const c of "0123456789 ./()+-") NUMBER_CHARS[c.charCodeAt(0)] = 1;

/** Whether the code unit at `i` is a number character (false outside the text). */
function isNumberAt(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  return c < 128 && NUMBER_CHARS[c] === 1;
}

const isSeparator = (c: number): boolean => c === 32 || c === 46 || c === 47 || c === 45;

const ZERO = 48;
const ONE = 49;
const TWO = 50;
const SIX = 54;

function push(list: number[] | undefined, value: number): number[] {
  if (list === undefined) return [value];
  list.push(value);
  return list;
}

/** End of the digit group after one separator at `at` (a digit must follow it), or -1. */
function nextGroup(text: string, at: number): number {
  if (at + 1 >= text.length || !isSeparator(text.charCodeAt(at)) || !isDigitCode(text.charCodeAt(at + 1))) return -1;
  let end = at + 2;
  while (end < text.length && isDigitCode(text.charCodeAt(end))) end++;
  return end;
}

/** Whether the groups after a first group of four ending at `end` are 4, 4 and 4+ digits, or 6 and 4+. */
function cardGroups(text: string, end: number): boolean {
  const second = nextGroup(text, end);
  if (second === -1) return false;
  const third = nextGroup(text, second);
  if (third === -1 || third - second - 1 < 4) return false;
  if (second - end - 1 === 6) return true;
  if (second - end - 1 !== 4 || third - second - 1 !== 4) return false;
  const fourth = nextGroup(text, third);
  return fourth !== -1 && fourth - third - 1 >= 4;
}

/** Whether the groups after a first group of three ending at `end` are 2 and 4 digits, the last at a word's end. */
function ssnGroups(text: string, end: number): boolean {
  const second = nextGroup(text, end);
  if (second === -1 || second - end - 1 !== 2) return false;
  const third = nextGroup(text, second);
  return third !== -1 && third - second - 1 === 4 && (third === text.length || !isWordCode(text.charCodeAt(third)));
}

/** Length of the digit group after one separator at `at` (0 when there is none). */
function groupLength(text: string, at: number): number {
  const end = nextGroup(text, at);
  return end === -1 ? 0 : end - at - 1;
}

/** Whether a NANP exchange and line start at `at`: [2-9]\d{2}[ ./-]\d{4} (three digits exactly, then four or more). */
function exchange(text: string, at: number): boolean {
  if (at >= text.length || text.charCodeAt(at) < TWO || text.charCodeAt(at) > 57) return false;
  let end = at + 1;
  while (end < text.length && isDigitCode(text.charCodeAt(end))) end++;
  return end - at === 3 && groupLength(text, end) >= 4;
}

/** Whether an area code and an exchange start at `at`: [2-9]\d{2}[ ./-] then {@link exchange}. */
function area(text: string, at: number): boolean {
  if (at >= text.length || text.charCodeAt(at) < TWO || text.charCodeAt(at) > 57) return false;
  let end = at + 1;
  while (end < text.length && isDigitCode(text.charCodeAt(end))) end++;
  return end - at === 3 && end + 1 < text.length && isSeparator(text.charCodeAt(end)) && exchange(text, end + 1);
}

/** Whether a parenthesised area code and an exchange start at `at`: \([2-9]\d{2}\) ? then {@link exchange}. */
function parenthesisedArea(text: string, at: number): boolean {
  if (text.charCodeAt(at) !== OPEN_PAREN || at + 5 > text.length) return false;
  const c = text.charCodeAt(at + 1);
  if (c < TWO || c > 57 || !isDigitCode(text.charCodeAt(at + 2)) || !isDigitCode(text.charCodeAt(at + 3)) || text.charCodeAt(at + 4) !== CLOSE_PAREN) return false;
  // " ?" is greedy: with the space first; without it, a digit would have to follow ")" directly.
  return exchange(text, text.charCodeAt(at + 5) === SPACE ? at + 6 : at + 5);
}

/** Candidates of the digit run [start, end), for the detectors whose flag is set (see each pattern in detectors.ts). */
function digitRun(text: string, start: number, end: number, out: Candidates, card: boolean, ssn: boolean): void {
  const length = end - start;
  const first = text.charCodeAt(start);
  // -1 (neither a word character nor a separator) before the text's start and after its end.
  const prev = start > 0 ? text.charCodeAt(start - 1) : -1;
  const next = end < text.length ? text.charCodeAt(end) : -1;
  const separated = isSeparator(next);
  // Phone: "+[1-9]" and "([2-9]\d{2}) ?[2-9]\d{2}[ ./-]\d{4}" start before the run.
  if (prev === PLUS && first >= ONE) out.phone = push(out.phone, start - 1);
  else if (prev === OPEN_PAREN && parenthesisedArea(text, start - 1)) out.phone = push(out.phone, start - 1);
  // Every other start is a digit after a word boundary.
  if (isWordCode(prev)) return;
  // Card: \b\d{4}[ ./-] then 4, 4 and 4+ or 6 and 4+ digits, each group after one separator; or \b[2-6]\d{12,18}.
  if (card && ((length === 4 && cardGroups(text, end)) || (length >= 13 && first >= TWO && first <= SIX))) out.card = push(out.card, start);
  // SSN: \b\d{3}[ ./-]\d{2}[ ./-]\d{4}\b.
  if (ssn && length === 3 && ssnGroups(text, end)) out.ssn = push(out.ssn, start);
  // Phone: \b1[ ./-] (NANP country code) before an area code; \b[2-9]\d{2}[ ./-] (area code) before an exchange;
  // \b0\d{1,4}[ ./-] (trunk 0) before a group of 2 or more.
  if (!separated) return;
  const phone =
    length === 1 && first === ONE
      ? parenthesisedArea(text, end + 1) || area(text, end + 1)
      : length === 3 && first >= TWO
        ? exchange(text, end + 1)
        : first === ZERO && length >= 2 && length <= 5 && groupLength(text, end) >= 2;
  if (phone) out.phone = push(out.phone, start);
}

/** Adds the candidates of the maximal run of number characters [start, end), which holds `digits` digits. */
function numberRun(text: string, start: number, end: number, digits: number, out: Candidates): void {
  const card = digits >= MIN_CARD_DIGITS;
  const ssn = digits >= MIN_SSN_DIGITS;
  for (let i = start; i < end; ) {
    if (!isDigitCode(text.charCodeAt(i))) {
      i++;
      continue;
    }
    const from = i;
    while (i < end && isDigitCode(text.charCodeAt(i))) i++;
    digitRun(text, from, i, out, card, ssn);
  }
}

/** What a text without candidates has (shared: never written). */
const NONE: Candidates = Object.freeze({ card: undefined, ssn: undefined, phone: undefined });

/** The candidates of `text` (see the module comment). */
export function findCandidates(text: string): Candidates {
  const length = text.length;
  let out: Candidates | undefined;
  // End of the last run read: a probe before it is inside that run.
  let runEnd = 0;
  for (let probe = STRIDE - 1; probe < length; probe += STRIDE) {
    if (probe < runEnd) continue;
    let c = text.charCodeAt(probe);
    if (c >= 128 || NUMBER_CHARS[c] === 0) continue;
    if (!isNumberAt(text, probe - 4) && !isNumberAt(text, probe + 4)) continue;
    // Read the run whole, counting its digits.
    let digits = isDigitCode(c) ? 1 : 0;
    let start = probe;
    while (start > runEnd && (c = text.charCodeAt(start - 1)) < 128 && NUMBER_CHARS[c] === 1) {
      start--;
      if (isDigitCode(c)) digits++;
    }
    let end = probe + 1;
    while (end < length && (c = text.charCodeAt(end)) < 128 && NUMBER_CHARS[c] === 1) {
      end++;
      if (isDigitCode(c)) digits++;
    }
    runEnd = end;
    if (digits >= MIN_PHONE_DIGITS) numberRun(text, start, end, digits, (out ??= { card: undefined, ssn: undefined, phone: undefined }));
  }
  return out ?? NONE;
}
