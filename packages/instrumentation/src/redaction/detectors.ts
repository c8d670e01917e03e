/**
 * The built-in string detectors, in priority order (an earlier detector keeps the characters it
 * claims). Each has cheap gates (a minimum length, "needs a digit", a substring pre-check) that skip
 * its pattern on strings that cannot hold a finding, and a validator where a shape alone is not enough.
 *
 * | kind           | finds                                                                                         |
 * | -------------- | --------------------------------------------------------------------------------------------- |
 * | api_key        | `sk-` keys (OpenAI `sk-`, `sk-proj-`; Anthropic `sk-ant-`) and Slack `xox[baprs]-` tokens whose body holds a digit or mixed case |
 * | aws_access_key | `AKIA`/`ASIA` + 16 upper-case alphanumerics; 40 base64 characters assigned to an aws_secret… / secret_access… name |
 * | github_token   | `ghp_` `gho_` `ghu_` `ghs_` `ghr_` + 36+ alphanumerics; `github_pat_` + 22+                  |
 * | jwt            | three base64url segments whose first decodes to a JSON object with a string "alg"             |
 * | bearer_token   | the token after `Bearer` / `bearer` / `BEARER`: 16+ characters with a digit or mixed case     |
 * | secret         | the credentials after `Basic` (base64 of printable "user:password"); a value after a name ending in key/secret/token/password/passwd/credential(s) and `:`/`=`/quotes: 20+ characters, a digit or mixed case, Shannon entropy ≥ 3.0 bits per character |
 * | email          | local@domain.tld (ASCII, plus Latin, Greek and Cyrillic letters); letter-only TLD of 2+       |
 * | card_number    | Luhn-valid 4-4-4-4, 4-6-5 or 4-6-4 groups (one kind of separator), or 13-19 unseparated digits starting 2-6 |
 * | iban           | upper-case country code + 2 digits + 11-30 alphanumerics, or groups of 4 split by spaces; mod-97 valid |
 * | us_ssn         | AAA-GG-SSSS with a valid area (not 000, 666, 9xx), group (not 00) and serial (not 0000)        |
 * | phone          | `+` and 8-15 digits, bare or grouped; NANP (415) 555-0123 / 415-555-0123; trunk-0 national 020 7946 0958 |
 *
 * Numbers are only taken whole: a candidate glued to a longer number or word (digits, letters, or
 * `.`/`-`/`,`/`/` followed by a digit) is rejected, which keeps dates, versions, IPs and ids intact.
 */

import { ibanValid, isBasicCredentials, isHighEntropySecret, isJwtHeader, looksRandom, luhnValid, usSsnValid } from "./checks.js";
import type { Findings } from "./findings.js";

/** The kinds the built-in detectors report (the values the `detectors` option accepts). */
export const BUILT_IN_KINDS = [
  "api_key",
  "aws_access_key",
  "github_token",
  "jwt",
  "bearer_token",
  "secret",
  "email",
  "phone",
  "card_number",
  "iban",
  "us_ssn",
] as const;

export type BuiltInKind = (typeof BUILT_IN_KINDS)[number];

export interface Detector {
  readonly kind: BuiltInKind;
  /** Shortest string that can hold a finding; shorter strings are skipped. */
  readonly minLength: number;
  /** Whether every finding contains an ASCII digit (strings without one are skipped). */
  readonly needsDigit: boolean;
  /** Adds each finding in `text` to `findings`. */
  scan(text: string, findings: Findings): void;
}

/**
 * Decides a pattern match: returns the end of the range to redact (`end`, or less to give back a
 * suffix), or -1 to reject it. `start`/`end` delimit the value (the capture group when there is one).
 */
type Check = (text: string, start: number, end: number) => number;

interface PatternSpec {
  kind: BuiltInKind;
  /** Global regex. */
  pattern: RegExp;
  /** Capture group holding the value to redact; it must end the match. @default 0 (the whole match) */
  group?: number;
  minLength: number;
  needsDigit?: boolean;
  /** A necessary condition, far cheaper than the pattern (usually a substring test). */
  precheck?: (text: string) => boolean;
  check?: Check;
}

function patternDetector(spec: PatternSpec): Detector {
  const { kind, pattern, precheck, check } = spec;
  const group = spec.group ?? 0;
  return {
    kind,
    minLength: spec.minLength,
    needsDigit: spec.needsDigit ?? false,
    scan(text, findings) {
      if (precheck !== undefined && !precheck(text)) return;
      pattern.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = pattern.exec(text)) !== null) {
        const end = match.index + match[0].length;
        const value = match[group];
        const start = end - value.length;
        const accepted = check === undefined ? end : check(text, start, end);
        if (accepted > start) findings.add(start, accepted, kind);
      }
    },
  };
}

const code = (text: string, i: number): number => (i >= 0 && i < text.length ? text.charCodeAt(i) : -1);
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;
const isWordCode = (c: number): boolean =>
  isDigitCode(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; /* _ */

const DOT = 46;
const DASH = 45;
const PLUS = 43;
const SLASH = 47;
const COMMA = 44;
const SPACE = 32;

/** Whether the range does not continue a longer number or word: `-`/`.`/`,`/`/`/word characters around it. */
function numberBoundaries(text: string, start: number, end: number): boolean {
  const before = code(text, start - 1);
  if (isWordCode(before) || before === DOT || before === DASH || before === PLUS || before === SLASH) return false;
  const after = code(text, end);
  if (isWordCode(after)) return false;
  // "…0123.5" or "…0123-5": the number goes on.
  if (after === DOT || after === DASH || after === COMMA || after === SLASH) return !isDigitCode(code(text, end + 1));
  return true;
}

const countDigits = (text: string, start: number, end: number): number => {
  let n = 0;
  for (let i = start; i < end; i++) if (isDigitCode(text.charCodeAt(i))) n++;
  return n;
};

const hasAny = (needles: readonly string[]) => (text: string) => needles.some((needle) => text.includes(needle));

// Between a name and its value: an optional closing quote, then `:`, `=`, `=>` or `:=`, then an optional opening quote.
const ASSIGN = String.raw`["'\x60]?[\t ]*(?:=>|:=|[:=])[\t ]*["'\x60]?`;

// Characters of a secret value. It may contain dots but never ends with one (sentence punctuation).
const SECRET_CHAR = String.raw`[\w+/~!@#$%^&*=-]`;
const SECRET_CHAR_OR_DOT = String.raw`[\w+/~!@#$%^&*.=-]`;

const apiKeys: Detector[] = [
  patternDetector({
    // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-, sk-ant-admin01-) keys.
    kind: "api_key",
    pattern: /\bsk-[A-Za-z0-9_-]{20,}/g,
    minLength: 23,
    // "k-" rather than "sk-": substring search scans for the first character, and "s" is everywhere in prose.
    precheck: (text) => text.includes("k-"),
    check: (text, start, end) => (looksRandom(text.slice(start + 3, end)) ? end : -1),
  }),
  patternDetector({
    kind: "api_key",
    pattern: /\bxox[baprs]-[A-Za-z0-9-]{10,}/g,
    minLength: 15,
    precheck: (text) => text.includes("xox"),
    check: (text, start, end) => (looksRandom(text.slice(start + 5, end)) ? end : -1),
  }),
];

const awsKeys: Detector[] = [
  patternDetector({
    kind: "aws_access_key",
    pattern: /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g,
    minLength: 20,
    precheck: hasAny(["AKIA", "ASIA"]),
  }),
  patternDetector({
    // aws_secret_access_key, AWS_SECRET_KEY, "SecretAccessKey", secret-access-key … followed by 40 base64 characters.
    kind: "aws_access_key",
    pattern: new RegExp(
      String.raw`(?:aws[_-]?secret|secret[_-]?access)[\w-]{0,24}${ASSIGN}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])`,
      "gi",
    ),
    group: 1,
    minLength: 50,
    check: (text, start, end) => (looksRandom(text.slice(start, end)) ? end : -1),
  }),
];

const githubTokens = patternDetector({
  kind: "github_token",
  pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g,
  minLength: 40,
  precheck: (text) => text.includes("_"),
});

const jwts = patternDetector({
  kind: "jwt",
  pattern: /\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g,
  minLength: 24,
  precheck: (text) => text.includes("yJ"),
  check: (text, start, end) => (isJwtHeader(text.slice(start, text.indexOf(".", start))) ? end : -1),
});

const bearerTokens = patternDetector({
  // RFC 6750 b64token; the scheme name is case-insensitive, written Bearer, bearer or BEARER in practice.
  kind: "bearer_token",
  pattern: /\b(?:[Bb]earer|BEARER)[\t ]+([A-Za-z0-9._~+/-]+=*)/g,
  group: 1,
  minLength: 23,
  precheck: hasAny(["Bearer", "bearer", "BEARER"]),
  check: (text, start, end) => {
    // A trailing dot ends the sentence, not the token.
    while (end > start && text.charCodeAt(end - 1) === DOT) end--;
    return end - start >= 16 && looksRandom(text.slice(start, end)) ? end : -1;
  },
});

const secrets: Detector[] = [
  patternDetector({
    kind: "secret",
    pattern: /\b(?:[Bb]asic|BASIC)[\t ]+([A-Za-z0-9+/]{6,}={0,2})(?![A-Za-z0-9+/=])/g,
    group: 1,
    minLength: 12,
    precheck: hasAny(["Basic", "basic", "BASIC"]),
    check: (text, start, end) => (isBasicCredentials(text.slice(start, end)) ? end : -1),
  }),
  patternDetector({
    // A name ending in one of these words (api_key, clientSecret, ACCESS_TOKEN, db_password, …), an optional
    // plural "s", a few separator characters (quotes, escaped quotes, `:`, `=`, `=>`), then a value of 20+ characters.
    kind: "secret",
    pattern: new RegExp(
      String.raw`(?:key|secret|token|passw(?:or)?d|credential)s?[\t "'\x60:=>\\]{1,8}(${SECRET_CHAR}${SECRET_CHAR_OR_DOT}{18,}${SECRET_CHAR})`,
      "gi",
    ),
    group: 1,
    minLength: 24,
    check: (text, start, end) => (isHighEntropySecret(text.slice(start, end)) ? end : -1),
  }),
];

// Email: found by scanning out from each "@" rather than by a regex, which would retry the local part
// at every position of a long word run (quadratic) and cannot bound it to 64 characters cheaply.
const MAX_LOCAL_PART = 64;
const MAX_DOMAIN = 253;

/**
 * Letters outside ASCII taken as part of an address (internationalized addresses): Latin-1 and Latin
 * Extended letters, Greek, Cyrillic. Scripts written without spaces (CJK, Thai) are left out, or the
 * words around an address would be swallowed with it.
 */
function isNonAsciiLetter(c: number): boolean {
  return (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7) || (c >= 0x370 && c <= 0x52f);
}

/** Characters of an address: ASCII letters, digits, `.`, `-`, `_` (and `%`, `+` in the local part), {@link isNonAsciiLetter}. */
function isAddressCode(c: number, local: boolean): boolean {
  if (isWordCode(c) || c === DASH || c === DOT) return true;
  if (local && (c === 37 /* % */ || c === PLUS)) return true;
  return isNonAsciiLetter(c);
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || isNonAsciiLetter(c);
}

/** End of a valid domain starting at `from` (labels of letters, digits and inner dashes; a letter TLD), or -1. */
function domainEnd(text: string, from: number): number {
  let end = from;
  const limit = Math.min(text.length, from + MAX_DOMAIN);
  while (end < limit && isAddressCode(text.charCodeAt(end), false)) end++;
  if (end === limit && end < text.length && isAddressCode(text.charCodeAt(end), false)) return -1;
  // Trailing dots and dashes are punctuation after the address ("mail a@b.com.").
  while (end > from && (text.charCodeAt(end - 1) === DOT || text.charCodeAt(end - 1) === DASH)) end--;
  let labelStart = from;
  let dots = 0;
  for (let i = from; i <= end; i++) {
    if (i < end && text.charCodeAt(i) !== DOT) continue;
    // An empty label, or one that starts or ends with a dash, is not a host name.
    if (i === labelStart || text.charCodeAt(labelStart) === DASH || text.charCodeAt(i - 1) === DASH) return -1;
    if (i < end) {
      dots++;
      labelStart = i + 1;
    }
  }
  if (dots === 0 || end - labelStart < 2) return -1;
  for (let i = labelStart; i < end; i++) if (!isLetterCode(text.charCodeAt(i))) return -1;
  return end;
}

const emails: Detector = {
  kind: "email",
  minLength: 6,
  needsDigit: false,
  scan(text, findings) {
    let at = text.indexOf("@");
    while (at !== -1) {
      let start = at;
      const floor = Math.max(0, at - MAX_LOCAL_PART);
      while (start > floor && isAddressCode(text.charCodeAt(start - 1), true)) start--;
      const tooLong = start > 0 && isAddressCode(text.charCodeAt(start - 1), true);
      // A local part cannot start with a dot: leading dots are punctuation ("see...a@b.com").
      while (start < at && text.charCodeAt(start) === DOT) start++;
      if (!tooLong && start < at) {
        const end = domainEnd(text, at + 1);
        if (end !== -1) {
          findings.add(start, end, "email");
          at = text.indexOf("@", end);
          continue;
        }
      }
      at = text.indexOf("@", at + 1);
    }
  },
};

/** Card numbers: Luhn-valid; unseparated runs must start with 2-6 (the card networks), which rules out epoch-millisecond timestamps. */
const cardNumbers = patternDetector({
  kind: "card_number",
  // \b first: a position inside a digit run fails at once (twice as fast on digit-rich text).
  pattern: /\b(?:\d{4}(?: (?:\d{4} \d{4} \d{4}|\d{6} \d{4,5})|-(?:\d{4}-\d{4}-\d{4}|\d{6}-\d{4,5}))|[2-6]\d{12,18})/g,
  minLength: 13,
  needsDigit: true,
  check: (text, start, end) => (numberBoundaries(text, start, end) && luhnValid(text.slice(start, end)) ? end : -1),
});

const ibans = patternDetector({
  kind: "iban",
  pattern: /\b[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)\b/g,
  minLength: 15,
  needsDigit: true,
  check: (text, start, end) => {
    if (ibanValid(text.slice(start, end))) return end;
    // A short last group may be the next word ("DE89 3704 0044 0532 0130 00 EUR"): retry without it.
    const lastSpace = text.lastIndexOf(" ", end - 1);
    if (lastSpace > start && end - lastSpace <= 4) {
      if (ibanValid(text.slice(start, lastSpace))) return lastSpace;
    }
    return -1;
  },
});

const usSsns = patternDetector({
  kind: "us_ssn",
  pattern: /\b\d{3}-\d{2}-\d{4}\b/g,
  minLength: 11,
  needsDigit: true,
  check: (text, start, end) => (numberBoundaries(text, start, end) && usSsnValid(text.slice(start, end)) ? end : -1),
});

const phones = patternDetector({
  kind: "phone",
  pattern: new RegExp(
    [
      // E.164: "+" and country code, then digits, optionally grouped by single separators, "(0)" or "(area)".
      String.raw`\+[1-9](?:\d{7,14}|\d{0,2}(?:[ .-]?\(\d{1,4}\)[ .-]?\d{1,10}|[ .-]\d{1,10}){1,6})`,
      // NANP: (415) 555-0123, 415-555-0123, 415.555.0123, 415 555 0123, 1-800-555-0199.
      String.raw`(?:\b1[ .-])?(?:\([2-9]\d{2}\) ?|\b[2-9]\d{2}[ .-])[2-9]\d{2}[ .-]\d{4}`,
      // Trunk-0 national numbers: 020 7946 0958, 07700 900123, 030 1234 5678, 01 23 45 67 89.
      String.raw`\b0\d(?:[ .-]\d{2}){4}`,
      String.raw`\b0\d{1,4}[ -]\d{3,4}[ -]?\d{3,4}`,
    ].join("|"),
    "g",
  ),
  minLength: 9,
  needsDigit: true,
  check: (text, start, end) => {
    if (!numberBoundaries(text, start, end)) return -1;
    // National formats only: digit groups going on past a space are a longer number (an IBAN, a
    // reference), not a phone. A "+" start is unambiguous.
    if (text.charCodeAt(start) !== PLUS) {
      if (code(text, start - 1) === SPACE && isDigitCode(code(text, start - 2))) return -1;
      if (code(text, end) === SPACE && isDigitCode(code(text, end + 1))) return -1;
    }
    const digits = countDigits(text, start, end);
    return digits >= 8 && digits <= 15 ? end : -1;
  },
});

/** Every built-in detector, in priority order. */
export const DETECTORS: readonly Detector[] = [
  ...apiKeys,
  ...awsKeys,
  githubTokens,
  jwts,
  bearerTokens,
  ...secrets,
  emails,
  cardNumbers,
  ibans,
  usSsns,
  phones,
];
