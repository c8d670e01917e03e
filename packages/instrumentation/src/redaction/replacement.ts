// SPDX-License-Identifier: Apache-2.0
/**
 * What a redacted value becomes: a typed marker, or a keyed pseudonym that still lets records be
 * joined on the value without revealing it.
 */

import type { KeyObject } from "node:crypto";
import { hmacSha256Hex } from "../hmac.js";
import type { JsonSafe } from "../json-safe.js";

/** Hex digits of the HMAC kept in a pseudonym: 48 bits, enough to join records on the value. */
const TOKEN_HEX_DIGITS = 12;

/** Writes replacements; `key` set means HMAC pseudonyms, unset means markers. */
export class Replacement {
  private readonly key: KeyObject | undefined;

  constructor(key: KeyObject | undefined) {
    this.key = key;
  }

  /**
   * `[REDACTED:<kind>]`, or `[<kind>:<12 hex digits>]` with the first digits of
   * HMAC-SHA256(key, kind + "\0" + value): the kind is part of the input, so one value found as
   * two kinds gives two unrelated tokens.
   */
  forString(kind: string, value: string): string {
    if (this.key === undefined) return `[REDACTED:${kind}]`;
    const digest = hmacSha256Hex(this.key, `${kind}\0${value}`);
    return `[${kind}:${digest.slice(0, TOKEN_HEX_DIGITS)}]`;
  }

  /** As {@link forString}; a value that is not a string is pseudonymized by its canonical JSON (sorted keys). */
  forValue(kind: string, value: JsonSafe): string {
    if (this.key === undefined) return `[REDACTED:${kind}]`;
    return this.forString(kind, typeof value === "string" ? value : canonicalJson(value));
  }
}

/** JSON text with object keys sorted, so equal trees give equal text whatever their key order. */
export function canonicalJson(value: JsonSafe): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
}
