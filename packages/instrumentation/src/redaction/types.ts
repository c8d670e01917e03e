// SPDX-License-Identifier: Apache-2.0
/**
 * Public types of payload redaction. Private shapes (compiled rules, detectors, path states) live
 * next to the code that uses them.
 */

import type { Buffer } from "node:buffer";

/**
 * What a redacted value was. The built-in detectors report one of the named kinds; a user rule
 * reports its own {@link RedactionRule.name}.
 */
export type RedactionKind =
  | "private_key"
  | "api_key"
  | "aws_access_key"
  | "github_token"
  | "jwt"
  | "bearer_token"
  | "secret"
  | "email"
  | "phone"
  | "card_number"
  | "iban"
  | "us_ssn"
  | (string & {});

/**
 * A user rule. It needs at least one of `pattern`, `keys` and `paths`; all of them report `name`.
 * User rules run before the built-in detectors, in the order given, so they win where both match.
 */
export interface RedactionRule {
  /** Name shown in markers and counts, e.g. "employee_id". */
  name: string;
  /**
   * Matches inside every string value (and in {@link Redactor.redactString}); each match is replaced.
   * A string is compiled with `new RegExp(pattern, "g")`; a RegExp keeps its flags, with `g` added and
   * `y` and `d` dropped. A pattern that matches the empty string is rejected.
   */
  pattern?: RegExp | string;
  /**
   * Object keys (compared case-insensitively, at any depth) whose whole value is replaced, whatever
   * its type: string, number, null, array or object.
   */
  keys?: string[];
  /**
   * JSON paths whose whole value is replaced, whatever its type. Supported syntax: `$` (the root),
   * `.key`, `['key']` / `["key"]`, `[n]`, `[*]` / `.*` (any member or element) and `..key` / `..*`
   * (recursive descent), e.g. `"$.user.ssn"`, `"$.messages[*].content"`, `"$..password"`.
   * Keys are compared exactly (case-sensitively). Paths only apply to {@link Redactor.redactTree}.
   */
  paths?: string[];
}

/** Options of {@link Redactor}. */
export interface RedactionOptions {
  /**
   * Built-in detectors to run, by kind. `"secret"` also covers the object keys named like a secret
   * (password, secret, token, api_key, authorization, access_key, private_key, …).
   * @default "all"
   */
  detectors?: RedactionKind[] | "all" | "none";
  /**
   * User rules, run before the built-in detectors.
   * @default []
   */
  rules?: RedactionRule[];
  /**
   * How a redacted value is written.
   * - `"marker"`: `[REDACTED:email]`.
   * - `"hmac"`: `[email:3f9a1c0b2d4e]`, a keyed pseudonym: the first 12 hex digits of
   *   HMAC-SHA256(key, kind + "\0" + value). The same value of the same kind always gives the same token,
   *   so records can be joined; the same value under different kinds gives different tokens; without the
   *   key the value cannot be recovered or confirmed by guessing.
   * @default "marker"
   */
  replacement?: "marker" | "hmac";
  /**
   * The deployment's HMAC key, at least 16 bytes (a string counts its UTF-8 bytes): the key of `"hmac"`
   * pseudonyms and of the keyed digests that policy `none` and truncated payloads carry. Env:
   * `LANGCHAIN_OTEL_REDACTION_KEY`. With neither set, a random key is drawn once per process: pseudonyms and
   * digests then join records of that process only, and nobody (not even you) can recompute them.
   * @default the value of LANGCHAIN_OTEL_REDACTION_KEY, else a random per-process key
   */
  hmacKey?: string | Buffer;
}

/** A redacted value and what was replaced in it. */
export interface RedactionResult<T> {
  /** The redacted value; the very input (same reference) when nothing was replaced. */
  value: T;
  /** Number of replacements per kind or rule name; only kinds with at least one replacement appear. */
  counts: Record<string, number>;
}
