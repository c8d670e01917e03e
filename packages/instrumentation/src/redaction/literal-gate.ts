// SPDX-License-Identifier: Apache-2.0
/**
 * One pass over a text for the literals of every detector (`sk-`, `xoxb-`, `sk_live_`, `eyJ`, `Bearer`, `://`, …)
 * instead of one `indexOf` per literal: a detector none of whose literals occurs is skipped. Exactly what the
 * detectors would find: a skipped detector could not have found anything.
 */

import type { Detector } from "./detectors.js";

/** Bit `i` set: detector `i` may find something (it has no literals, or one of them occurs). */
export type DetectorMask = number;

/**
 * Matches before the gate stops looking and lets every detector run: a text full of literals pays for each match,
 * while the detectors it would let through read that text anyway.
 */
const MAX_MATCHES = 32;

const escape = (literal: string): string => literal.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/**
 * The gate for `detectors` (at most 31, in the order they run): a function from a text to the mask of detectors
 * to run on it.
 */
export function literalGate(detectors: readonly Detector[]): (text: string) => DetectorMask {
  if (detectors.length > 31) throw new RangeError(`literalGate: ${detectors.length} detectors, at most 31`);
  const all = detectors.length === 31 ? 0x7fffffff : (1 << detectors.length) - 1;
  let ungated = 0;
  const bits = new Map<string, number>();
  detectors.forEach((detector, i) => {
    if (detector.literals === undefined || detector.literals.length === 0) ungated |= 1 << i;
    else for (const literal of detector.literals) bits.set(literal, (bits.get(literal) ?? 0) | (1 << i));
  });
  if (bits.size === 0) return () => all;
  // Longest first; a literal that starts with another one also stands for it (both occur where it does).
  const literals = [...bits.keys()].sort((a, b) => b.length - a.length);
  for (const literal of literals) {
    for (const other of literals) if (other !== literal && literal.startsWith(other)) bits.set(literal, bits.get(literal)! | bits.get(other)!);
  }
  const union = new RegExp(literals.map(escape).join("|"), "g");
  const shortest = literals.at(-1)!.length;
  return (text) => {
    if (text.length < shortest) return ungated;
    let mask = ungated;
    union.lastIndex = 0;
    let match: RegExpExecArray | null;
    for (let n = 0; (match = union.exec(text)) !== null; n++) {
      if (n === MAX_MATCHES) return all;
      mask |= bits.get(match[0])!;
      if (mask === all) return all;
      // Every position is tried: a literal that starts inside this match is seen too.
      union.lastIndex = match.index + 1;
    }
    return mask;
  };
}
