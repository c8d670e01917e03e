// SPDX-License-Identifier: Apache-2.0
/**
 * Validators that turn a pattern match into a finding: checksums (Luhn, IBAN mod-97), number-plan
 * rules (US SSN), and the randomness tests that tell a secret from an identifier.
 *
 * All are pure, total and allocation-free unless noted.
 */

import { Buffer } from "node:buffer";

/** Shortest token the generic secret detector considers. */
export const MIN_SECRET_LENGTH = 20;

/**
 * Shannon entropy (bits per character) a token needs to count as a generic secret. Random tokens of
 * 20+ characters score about 4.0 (base62) and 3.4-3.7 (hex), and stay above 3.0 in 97% (hex, 20
 * characters) to 100% (base62) of cases; repeated or dictionary-like strings score lower
 * ("hunter2xhunter2xhunter2x" is 3.0, "aaaa…" is 0).
 */
export const SECRET_ENTROPY_BITS = 3.0;

// One counter per ASCII code unit, reused by every call (JavaScript runs this synchronously).
const charCounts = new Int32Array(128);

/** Shannon entropy of `text` in bits per character (0 for the empty string). */
export function shannonEntropy(text: string): number {
  const length = text.length;
  if (length === 0) return 0;
  for (let i = 0; i < length; i++) charCounts[text.charCodeAt(i) & 127]++;
  let bits = 0;
  for (let i = 0; i < length; i++) {
    const slot = text.charCodeAt(i) & 127;
    const count = charCounts[slot];
    if (count === 0) continue;
    const p = count / length;
    bits -= p * Math.log2(p);
    // Cleared when first seen, so each distinct character is summed once and the table is left empty.
    charCounts[slot] = 0;
  }
  return bits;
}

const isDigit = (code: number): boolean => code >= 48 && code <= 57;
const isUpper = (code: number): boolean => code >= 65 && code <= 90;
const isLower = (code: number): boolean => code >= 97 && code <= 122;

/**
 * Whether a token is shaped like machine-made randomness rather than words: it holds a digit, or mixes
 * lower case with an upper-case letter past its first character. Identifiers like
 * "organization_membership_token" or "Authentication" fail; base62 / hex / base64 tokens pass.
 */
export function looksRandom(token: string): boolean {
  let upper = false;
  let lower = false;
  for (let i = 0; i < token.length; i++) {
    const code = token.charCodeAt(i);
    if (isDigit(code)) return true;
    if (isLower(code)) lower = true;
    else if (i > 0 && isUpper(code)) upper = true;
    if (upper && lower) return true;
  }
  return false;
}

/** A generic secret: at least {@link MIN_SECRET_LENGTH} characters, {@link looksRandom}, entropy ≥ {@link SECRET_ENTROPY_BITS}. */
export function isHighEntropySecret(token: string): boolean {
  return token.length >= MIN_SECRET_LENGTH && looksRandom(token) && shannonEntropy(token) >= SECRET_ENTROPY_BITS;
}

/** Luhn checksum over the digits of `text` (other characters, such as separators, are skipped). */
export function luhnValid(text: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  for (let i = text.length - 1; i >= 0; i--) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) continue;
    let d = code - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
    digits++;
  }
  return digits > 0 && sum % 10 === 0;
}

/**
 * IBAN check (ISO 13616): the first four characters moved to the end, letters read as 10-35, the
 * number mod 97 must be 1. Spaces are skipped; any other character fails.
 */
export function ibanValid(text: string): boolean {
  let remainder = 0;
  let length = 0;
  // Two passes over the same characters: from the fifth on, then the first four.
  for (let pass = 0; pass < 2; pass++) {
    let seen = 0;
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code === 32) continue;
      const inHead = seen < 4;
      seen++;
      if (inHead !== (pass === 1)) continue;
      if (isDigit(code)) {
        remainder = (remainder * 10 + (code - 48)) % 97;
      } else if (isUpper(code)) {
        remainder = (remainder * 100 + (code - 55)) % 97;
      } else {
        return false;
      }
      length++;
    }
  }
  return length >= 15 && length <= 34 && remainder === 1;
}

/**
 * US SSN number-plan rule for "AAA-GG-SSSS": area not 000, 666 or 900-999; group not 00; serial
 * not 0000. Expects exactly that shape (11 characters).
 */
export function usSsnValid(text: string): boolean {
  if (text.length !== 11) return false;
  const area = text.slice(0, 3);
  if (area === "000" || area === "666" || area.charCodeAt(0) === 57 /* 9 */) return false;
  if (text.slice(4, 6) === "00") return false;
  return text.slice(7) !== "0000";
}

// A JOSE header is small; a longer first segment is not a header worth decoding.
const MAX_JWT_HEADER_CHARS = 2048;

/** Whether a base64url segment decodes to a JSON object with a string "alg", as a JWT header does. Allocates. */
export function isJwtHeader(segment: string): boolean {
  if (segment.length > MAX_JWT_HEADER_CHARS) return false;
  try {
    const header: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return typeof header === "object" && header !== null && typeof (header as { alg?: unknown }).alg === "string";
  } catch {
    return false;
  }
}

/** Whether base64 text decodes to printable "user:password" credentials, as in HTTP Basic auth. Allocates. */
export function isBasicCredentials(base64: string): boolean {
  const decoded = Buffer.from(base64, "base64").toString("latin1");
  if (decoded.length < 3 || decoded.indexOf(":") === -1) return false;
  for (let i = 0; i < decoded.length; i++) {
    const code = decoded.charCodeAt(i);
    // Printable ASCII, or a byte of a UTF-8 sequence.
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}
