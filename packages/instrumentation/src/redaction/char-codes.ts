// SPDX-License-Identifier: Apache-2.0
/** Character classes and code units the hand-written scanners (detectors.ts, candidates.ts) test, ASCII only. */

export const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
export const isUpperCode = (c: number): boolean => c >= 65 && c <= 90;
export const isLowerCode = (c: number): boolean => c >= 97 && c <= 122;
export const isAlnumCode = (c: number): boolean => isDigitCode(c) || isUpperCode(c) || isLowerCode(c);
/** A regex `\w` character: what `\b` separates from the rest. */
export const isWordCode = (c: number): boolean => isAlnumCode(c) || c === 95; /* _ */

export const SPACE = 32;
export const OPEN_PAREN = 40;
export const CLOSE_PAREN = 41;
export const PLUS = 43;
export const COMMA = 44;
export const DASH = 45;
export const DOT = 46;
export const SLASH = 47;
export const EQUALS = 61;
export const BACKSLASH = 92;
