// SPDX-License-Identifier: Apache-2.0
/**
 * What a {@link Redactor} remembers of the texts it found clean, so that it does not scan them again. An agent loop
 * sends its whole history again at every step and a chat app at every turn: the same messages, tool results and
 * junctions of neighbouring strings come back over and over, and whether a scan finds something depends on nothing
 * but the text, the decoding level and the options (built-in detectors and regular expressions).
 *
 * - Only texts with no finding are kept: nothing is remembered that redaction would not have exported as it is.
 * - A text is kept from its second sighting. The first leaves a 32-bit fingerprint in a fixed table (no copy, no
 *   allocation), so the texts seen once (run ids, timestamps, a user's every new question) cost a hash and not a
 *   copy; a collision only remembers a text one sighting early.
 * - What is kept is a copy of its own ({@link detached}): a slice of a longer string (a cut payload, a window)
 *   holds its whole parent alive, a payload of any size.
 * - Bounded: texts up to {@link MAX_REMEMBERED_CHARS} long, at most {@link MAX_REMEMBERED} per set (a set starts
 *   again when full): about 1 MB per set.
 */

export const MAX_REMEMBERED_CHARS = 1024;
const MAX_REMEMBERED = 1024;
// Fingerprint slots (a power of two).
const SLOTS = 4096;

/**
 * A string equal to `text` that keeps nothing else alive. Joined to one more character, the text is written into a
 * fresh string of its own when sliced back (one copy, any text).
 */
export function detached(text: string): string {
  return (text + " ").slice(0, -1);
}

/** 32-bit FNV-1a over the UTF-16 code units of `text`, continuing from `seed`; never 0 (an empty slot). */
function fingerprint(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash === 0 ? 1 : hash;
}

const FNV_OFFSET = 0x811c9dc5 | 0;

/** Whether the fingerprint was left by an earlier sighting (it is left now either way). */
function seenBefore(slots: Int32Array, print: number): boolean {
  const slot = print & (SLOTS - 1);
  if (slots[slot] === print) return true;
  slots[slot] = print;
  return false;
}

/** Clean texts, one set per decoding level (a nested level decodes less: clean there is not clean at the top). */
export class CleanTexts {
  private readonly _sets: Set<string>[] = [];
  private readonly _seen = new Int32Array(SLOTS);

  has(text: string, level: number): boolean {
    return this._sets[level]?.has(text) === true;
  }

  /** `text` was found clean at `level`: remembered if it was seen clean there before. */
  add(text: string, level: number): void {
    if (text.length > MAX_REMEMBERED_CHARS || !seenBefore(this._seen, fingerprint(text, FNV_OFFSET ^ level))) return;
    let set = this._sets[level];
    if (set === undefined) this._sets[level] = set = new Set();
    if (set.size >= MAX_REMEMBERED) set.clear();
    set.add(detached(text));
  }
}

/** Clean pairs (the tail of one string, the head of the next), as tail → heads. */
export class CleanPairs {
  private readonly _pairs = new Map<string, Set<string>>();
  private _count = 0;
  private readonly _seen = new Int32Array(SLOTS);

  has(tail: string, head: string): boolean {
    return this._pairs.get(tail)?.has(head) === true;
  }

  /** The pair was found clean: remembered if it was seen clean before. */
  add(tail: string, head: string): void {
    if (tail.length + head.length > MAX_REMEMBERED_CHARS) return;
    // The tail's length keeps ("ab", "c") and ("a", "bc") apart.
    if (!seenBefore(this._seen, fingerprint(head, fingerprint(tail, FNV_OFFSET) ^ tail.length))) return;
    if (this._count >= MAX_REMEMBERED) {
      this._pairs.clear();
      this._count = 0;
    }
    let heads = this._pairs.get(tail);
    if (heads === undefined) this._pairs.set(detached(tail), (heads = new Set()));
    heads.add(detached(head));
    this._count++;
  }
}
