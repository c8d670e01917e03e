// SPDX-License-Identifier: Apache-2.0
/**
 * The normalised view a string is matched on, so that evasions do not hide a value from the detectors:
 *
 * - percent-encoded printable ASCII is decoded (`jane%40example.com`, `4111%201111…`), one level;
 * - invisible characters are removed (zero-width space / joiners, soft hyphen, word joiner, bidi controls,
 *   variation selectors, tag characters, BOM);
 * - every other non-ASCII character is replaced by its Unicode NFKC form (fullwidth `＠` and `４`, mathematical
 *   digits, circled numbers, ligatures), taken character by character;
 * - space-like characters (NBSP, thin and ideographic spaces, …) become a space and dash-like ones (non-breaking
 *   hyphen, en and em dashes, minus sign) a `-`, so digit groups split by any of them read as `4111 1111 …`.
 *
 * Findings are reported on the original: the view keeps, per view character, the range of original characters it
 * came from. A string of printable ASCII without `%` is its own view (no copy, no map). One pass, linear.
 */

/** A string as the detectors see it, and where each of its characters came from. */
export interface NormalizedView {
  readonly text: string;
  /** Original start index of each view character; undefined when the view is the original. */
  readonly starts: Int32Array | undefined;
  /** Original end index (exclusive) of each view character. */
  readonly ends: Int32Array | undefined;
  /** Whether `text` is printable ASCII (and tab and line breaks) without `%`: one byte per character. */
  readonly ascii: boolean;
}

// Anything outside printable ASCII, or a percent sign: only such strings need a view of their own.
const NEEDS_VIEW = /[%\u0000-\u0008\u000e-\u001f\u007f-\uffff]/;

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const hexValue = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);

/** Code points that are removed: they render as nothing and serve only to break a pattern. */
export function isInvisible(cp: number): boolean {
  return (
    cp === 0xad ||
    cp === 0x34f ||
    cp === 0x61c ||
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) ||
    (cp >= 0x200b && cp <= 0x200f) ||
    (cp >= 0x202a && cp <= 0x202e) ||
    (cp >= 0x2060 && cp <= 0x206f) ||
    cp === 0x3164 ||
    (cp >= 0xfe00 && cp <= 0xfe0f) ||
    cp === 0xfeff ||
    cp === 0xffa0 ||
    (cp >= 0x1bca0 && cp <= 0x1bca3) ||
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe0fff)
  );
}

/** A space-like code point (after NFKC most are U+0020 already; these are what NFKC leaves). */
function isSpaceLike(cp: number): boolean {
  return cp === 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp === 0x202f || cp === 0x205f || cp === 0x3000 || cp === 0xa0;
}

/** A dash-like code point. */
function isDashLike(cp: number): boolean {
  return (cp >= 0x2010 && cp <= 0x2015) || cp === 0x2212 || cp === 0xfe58 || cp === 0xfe63 || cp === 0xff0d || cp === 0x2e3a || cp === 0x2e3b;
}

// NFKC of one code point, memoised: BMP in a table filled on first sight, astral in a bounded map.
const UNCHANGED = 1;
const MAPPED = 2;
const INVISIBLE = 3;
const bmpState = new Uint8Array(0x10000);
const mapped = new Map<number, string>();
const MAX_ASTRAL_MEMO = 4096;
const EMPTY = new Int32Array(0);

/** What happens to one BMP code point: {@link UNCHANGED}, {@link MAPPED} (see `mapped`) or {@link INVISIBLE}. */
function bmpClass(cp: number): number {
  const state = bmpState[cp];
  if (state !== 0) return state;
  if (isInvisible(cp)) return (bmpState[cp] = INVISIBLE);
  const out = foldNew(cp);
  if (out === undefined) return (bmpState[cp] = UNCHANGED);
  mapped.set(cp, out);
  return (bmpState[cp] = MAPPED);
}

/** The folded NFKC form of one code point, computed; undefined when it is the code point itself. */
function foldNew(cp: number): string | undefined {
  const char = String.fromCodePoint(cp);
  let out = "";
  for (const c of char.normalize("NFKC")) {
    const code = c.codePointAt(0)!;
    out += isSpaceLike(code) ? " " : isDashLike(code) ? "-" : c;
  }
  return out === char ? undefined : out;
}

/** The folded NFKC form of one astral code point, memoised while the memo is small. */
function foldAstral(cp: number): string | undefined {
  const known = mapped.get(cp);
  if (known !== undefined) return known === "" ? undefined : known;
  const out = foldNew(cp);
  if (mapped.size < MAX_ASTRAL_MEMO) mapped.set(cp, out ?? "");
  return out;
}

/** The normalised view of `text` (see the module comment). */
export function normalize(text: string): NormalizedView {
  if (!NEEDS_VIEW.test(text)) return { text, starts: undefined, ends: undefined, ascii: true };
  const length = text.length;
  // Allocated at the first change: a string with nothing to change costs one pass and no allocation. A view is
  // about as long as the original (NFKC expands a few characters), and grows on demand.
  let starts = EMPTY;
  let ends = EMPTY;
  let out = "";
  let n = 0;
  let changed = false;
  const reserve = (extra: number): void => {
    if (n + extra <= starts.length) return;
    const grownStarts = new Int32Array(Math.max(starts.length * 2, n + extra, length + 16));
    const grownEnds = new Int32Array(grownStarts.length);
    grownStarts.set(starts);
    grownEnds.set(ends);
    starts = grownStarts;
    ends = grownEnds;
  };
  const push = (chunk: string, from: number, to: number): void => {
    reserve(chunk.length);
    for (let k = 0; k < chunk.length; k++) {
      starts[n] = from;
      ends[n] = to;
      n++;
    }
    out += chunk;
  };
  let i = 0;
  let plainFrom = 0;
  // Copies text[plainFrom, i) as is (one concatenation per run of unchanged characters).
  const flush = (): void => {
    changed = true;
    if (plainFrom >= i) return;
    reserve(i - plainFrom);
    for (let k = plainFrom; k < i; k++) {
      starts[n] = k;
      ends[n] = k + 1;
      n++;
    }
    out += text.slice(plainFrom, i);
    plainFrom = i;
  };
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c === 37 /* % */ && i + 2 < length && isHex(text.charCodeAt(i + 1)) && isHex(text.charCodeAt(i + 2))) {
        const decoded = hexValue(text.charCodeAt(i + 1)) * 16 + hexValue(text.charCodeAt(i + 2));
        if (decoded >= 0x20 && decoded < 0x7f) {
          flush();
          push(String.fromCharCode(decoded), i, i + 3);
          i += 3;
          plainFrom = i;
          continue;
        }
      }
      i++;
      continue;
    }
    if (c < 0xd800 || c > 0xdfff) {
      const kind = bmpClass(c);
      if (kind === UNCHANGED) {
        i++;
        continue;
      }
      flush();
      if (kind === MAPPED) push(mapped.get(c)!, i, i + 1);
      i++;
      plainFrom = i;
      continue;
    }
    const cp = text.codePointAt(i)!;
    const units = cp > 0xffff ? 2 : 1;
    if (isInvisible(cp)) {
      flush();
      i += units;
      plainFrom = i;
      continue;
    }
    const folded = cp > 0xffff ? foldAstral(cp) : undefined;
    if (folded !== undefined) {
      flush();
      push(folded, i, i + units);
      i += units;
      plainFrom = i;
      continue;
    }
    i += units;
  }
  if (!changed) return { text, starts: undefined, ends: undefined, ascii: false };
  flush();
  return { text: out, starts: starts.subarray(0, n), ends: ends.subarray(0, n), ascii: false };
}

/** The original range of view range [start, end) (end > start). */
export function originalRange(view: NormalizedView, start: number, end: number): [number, number] {
  if (view.starts === undefined) return [start, end];
  return [view.starts[start], view.ends![end - 1]];
}
