// SPDX-License-Identifier: Apache-2.0
/**
 * Object keys whose string value is a secret as a whole: `password`, `db_password`, `client-secret`,
 * `accessToken`, `X-Api-Key`, `Authorization`, `aws_secret_access_key`, `PRIVATE_KEY`, …
 *
 * A key matches when, ignoring case, `-` and `_`, it ends with one of {@link SECRET_KEY_SUFFIXES}.
 * Plurals do not match, so counters such as `max_tokens` or `input_tokens` stay readable.
 * The comparison walks the key in place: no lower-cased copy is made.
 */

/** Normalized (lower case, no `-`/`_`) endings of secret-bearing key names. */
export const SECRET_KEY_SUFFIXES: readonly string[] = [
  "password",
  "passwd",
  "secret",
  "secretkey",
  "token",
  "apikey",
  "authorization",
  "accesskey",
  "privatekey",
];

const DASH = 45;
const UNDERSCORE = 95;

// Last characters of the suffixes: a key ending in anything else is rejected with one comparison.
const LAST_CHARS = new Set(SECRET_KEY_SUFFIXES.map((suffix) => suffix.charCodeAt(suffix.length - 1)));

const lower = (code: number): number => (code >= 65 && code <= 90 ? code + 32 : code);

/** Whether `key`, read backwards skipping `-` and `_`, ends with `suffix` (lower case). */
function endsWithNormalized(key: string, suffix: string): boolean {
  let k = key.length - 1;
  for (let s = suffix.length - 1; s >= 0; s--) {
    while (k >= 0 && (key.charCodeAt(k) === DASH || key.charCodeAt(k) === UNDERSCORE)) k--;
    if (k < 0 || lower(key.charCodeAt(k)) !== suffix.charCodeAt(s)) return false;
    k--;
  }
  return true;
}

/** Whether an object key names a secret (see the module comment). */
export function isSecretKey(key: string): boolean {
  let last = key.length - 1;
  while (last >= 0 && (key.charCodeAt(last) === DASH || key.charCodeAt(last) === UNDERSCORE)) last--;
  if (last < 0 || !LAST_CHARS.has(lower(key.charCodeAt(last)))) return false;
  for (const suffix of SECRET_KEY_SUFFIXES) {
    if (endsWithNormalized(key, suffix)) return true;
  }
  return false;
}
