// SPDX-License-Identifier: Apache-2.0
/**
 * The built-in string detectors, in priority order (an earlier detector keeps the characters it claims). They run
 * on the normalised view of a string (normalize.ts), and each one is linear in the length of what it scans:
 *
 * - a detector with a literal prefix (`sk-`, `eyJ`, `AKIA`, `-----BEGIN `, …) finds it with `indexOf`, reads the
 *   token run that follows once, decides, and goes on searching AFTER that run, so no character is read twice;
 * - a detector that starts from a name (`Bearer`, `password=`) uses a regex whose every quantifier is bounded (one
 *   attempt costs a constant), then reads the value by hand and resumes after it;
 * - the remaining regexes are bounded end to end (a match is at most a few dozen characters) or end with an
 *   unbounded run that nothing follows (a match, once it starts, cannot fail after scanning);
 * - the number detectors (cards, SSNs, phones) try their regex, anchored, only at the candidates of one probing pass
 *   shared by all three (candidates.ts), which reads most characters of a text never.
 *
 * Cheap gates skip a detector on a string that cannot hold its findings (a minimum length, "needs a digit", a
 * substring). Each detector also gives the RE2 patterns of the collector's second line (otelcol.yaml, generated
 * by second-line.ts): the same shapes without the validators (Luhn, entropy, JWT header) RE2 cannot express.
 *
 * | kind           | finds                                                                                         |
 * | -------------- | --------------------------------------------------------------------------------------------- |
 * | private_key    | PEM private keys: `-----BEGIN … PRIVATE KEY-----` to its END line (to the end of the text when the END is missing) |
 * | api_key        | OpenAI / Anthropic `sk-…` and Slack `xox[baprs]-…` tokens whose body holds a digit or mixed case; Stripe `sk_live_` `rk_live_` `pk_live_` (and `_test_`); Google `AIza…`; Azure AD client secrets (`…Q~…`) |
 * | aws_access_key | `AKIA`/`ASIA` + 16 upper-case alphanumerics; 40 base64 characters assigned to an aws_secret… / secret_access… name |
 * | github_token   | `ghp_` `gho_` `ghu_` `ghs_` `ghr_` + 36+ alphanumerics; `github_pat_` + 22+                  |
 * | jwt            | three base64url segments whose first decodes to a JSON object with a string "alg"             |
 * | bearer_token   | the token after `Bearer` / `bearer` / `BEARER`: 16+ characters with a digit or mixed case     |
 * | secret         | the credentials after `Basic`; a value of 20+ random-looking characters (entropy ≥ 3.0 bits) after a name ending in key/secret/token/password/passwd/pwd/credential/sig and `:`/`=`/quotes; any value of 4+ characters with a digit or mixed case after a password name; the password of `scheme://user:password@host` |
 * | email          | local@domain.tld (ASCII, plus Latin, Greek and Cyrillic letters); letter-only TLD of 2+       |
 * | card_number    | Luhn-valid 4-4-4-4, 4-6-5 or 4-6-4 groups (any of space, `-`, `.`, `/` between them), or 13-19 unseparated digits starting 2-6 |
 * | iban           | upper-case country code + 2 digits + 11-30 alphanumerics, or groups of 4 split by spaces; mod-97 valid |
 * | us_ssn         | AAA-GG-SSSS (any of space, `-`, `.`, `/`) with a valid area (not 000, 666, 9xx), group (not 00) and serial (not 0000) |
 * | phone          | `+` and 8-15 digits, bare or grouped; NANP (415) 555-0123 / 415-555-0123; trunk-0 national 020 7946 0958 |
 *
 * Numbers are only taken whole: a candidate glued to a longer number or word (digits, letters, or
 * `.`/`-`/`,`/`/` followed by a digit) is rejected, which keeps dates, versions, IPs and ids intact.
 */

import { ibanValid, isBasicCredentials, isHighEntropySecret, isJwtHeader, looksRandom, luhnValid, usSsnValid } from "./checks.js";
import { findCandidates, type Candidates } from "./candidates.js";
import { BACKSLASH, COMMA, DASH, DOT, EQUALS, isAlnumCode, isDigitCode, isLowerCode, isUpperCode, isWordCode, PLUS, SLASH, SPACE } from "./char-codes.js";
import type { Findings } from "./findings.js";

/** The kinds the built-in detectors report (the values the `detectors` option accepts). */
export const BUILT_IN_KINDS = [
  "private_key",
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
  /**
   * Literals one of which every finding contains or follows (`sk-`, `Bearer`, `://`): a text holding none of
   * them cannot hold a finding, and literal-gate.ts skips the detector on it after one pass for all detectors.
   */
  readonly literals?: readonly string[];
  /**
   * Adds each finding in `text` to `findings`, left to right. `candidates` are those of `text` when the caller has
   * them already (a detector that reads them finds them itself otherwise).
   */
  scan(text: string, findings: Findings, candidates?: Candidates): void;
  /**
   * The collector's second line for this detector: RE2 patterns (no lookaround, no backreferences) of the same
   * shapes, written so that JavaScript reads them the same way (the drift test runs them).
   */
  readonly secondLine: readonly string[];
}

const code = (text: string, i: number): number => (i >= 0 && i < text.length ? text.charCodeAt(i) : -1);

/** End of the run of characters accepted by `accept`, starting at `from` (and ending by `limit`). */
function runEnd(text: string, from: number, accept: (c: number) => boolean, limit = text.length): number {
  let end = from;
  const stop = Math.min(limit, text.length);
  while (end < stop && accept(text.charCodeAt(end))) end++;
  return end;
}

/** Start of the run of characters accepted by `accept` that ends at `to` (exclusive). */
function runStart(text: string, to: number, accept: (c: number) => boolean): number {
  let start = to;
  while (start > 0 && accept(text.charCodeAt(start - 1))) start--;
  return start;
}

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

/**
 * Decides a pattern match: returns the end of the range to redact (`end`, or less to give back a
 * suffix), or -1 to reject it. `start`/`end` delimit the value (the capture group when there is one).
 */
type Check = (text: string, start: number, end: number) => number;

interface PatternSpec {
  kind: BuiltInKind;
  /** Global regex, bounded (see the module comment). */
  pattern: RegExp;
  /** Capture group holding the value to redact; it must end the match. @default 0 (the whole match) */
  group?: number;
  minLength: number;
  needsDigit?: boolean;
  /** A necessary condition, far cheaper than the pattern (usually a substring test). */
  precheck?: (text: string) => boolean;
  /** See {@link Detector.literals}. */
  literals?: readonly string[];
  check?: Check;
  /**
   * The positions where `pattern` can start a match (candidates.ts): it is tried there only, anchored, instead of
   * searched for over the whole text. @default none (the pattern searches the text)
   */
  candidates?: (candidates: Candidates) => readonly number[] | undefined;
  secondLine: readonly string[];
}

function patternDetector(spec: PatternSpec): Detector {
  const { kind, pattern, precheck, check, candidates: select } = spec;
  const group = spec.group ?? 0;
  // The same pattern anchored at `lastIndex`, for the candidates.
  const sticky = new RegExp(pattern.source, pattern.flags.replace("g", "") + "y");
  const found = (text: string, findings: Findings, match: RegExpExecArray): number => {
    const end = match.index + match[0].length;
    const value = match[group];
    const start = end - value.length;
    const accepted = check === undefined ? end : check(text, start, end);
    if (accepted > start) findings.add(start, accepted, kind);
    return end;
  };
  return {
    kind,
    minLength: spec.minLength,
    needsDigit: spec.needsDigit ?? false,
    ...(spec.literals === undefined ? {} : { literals: spec.literals }),
    secondLine: spec.secondLine,
    scan(text, findings, candidates) {
      if (precheck !== undefined && !precheck(text)) return;
      let match: RegExpExecArray | null;
      if (select !== undefined) {
        const positions = select(candidates ?? findCandidates(text));
        if (positions === undefined) return;
        // As the global search would: the next match starts at a candidate at or after the end of the last one.
        let next = 0;
        for (let i = 0; i < positions.length; i++) {
          const at = positions[i];
          if (at < next) continue;
          sticky.lastIndex = at;
          if ((match = sticky.exec(text)) !== null) next = found(text, findings, match);
        }
        return;
      }
      pattern.lastIndex = 0;
      while ((match = pattern.exec(text)) !== null) found(text, findings, match);
    },
  };
}

/**
 * A token that starts with a literal prefix: each occurrence (at a word start unless `inWord`) is read to the end
 * of its run of `body` characters; `decide` returns the end of the finding or -1. The search resumes after the run.
 */
function prefixDetector(spec: {
  kind: BuiltInKind;
  prefixes: readonly string[];
  body: (c: number) => boolean;
  minLength: number;
  /** Characters the run may also extend over before the prefix (the token starts there). @default none */
  before?: (c: number) => boolean;
  decide: (text: string, start: number, bodyStart: number, end: number) => number;
  secondLine: readonly string[];
}): Detector {
  const { prefixes, body, decide, kind } = spec;
  return {
    kind,
    minLength: spec.minLength,
    needsDigit: false,
    literals: prefixes,
    secondLine: spec.secondLine,
    scan(text, findings) {
      for (const prefix of prefixes) {
        let from = 0;
        let at: number;
        while ((at = text.indexOf(prefix, from)) !== -1) {
          const start = spec.before === undefined ? at : runStart(text, at, spec.before);
          const end = runEnd(text, at + prefix.length, body);
          from = Math.max(end, at + 1);
          if (spec.before === undefined && isWordCode(code(text, at - 1))) continue;
          const accepted = decide(text, start, at + prefix.length, end);
          if (accepted > start) findings.add(start, accepted, kind);
        }
      }
    },
  };
}

const isKeyBody = (c: number): boolean => isWordCode(c) || c === DASH;
const isAlnumDash = (c: number): boolean => isAlnumCode(c) || c === DASH;
const isBase64Url = (c: number): boolean => isWordCode(c) || c === DASH;
const isAzureSecretChar = (c: number): boolean => isWordCode(c) || c === DASH || c === DOT || c === 126; /* ~ */

const apiKeys: Detector[] = [
  prefixDetector({
    // OpenAI (sk-, sk-proj-, sk-svcacct-, sk-admin-) and Anthropic (sk-ant-api03-, sk-ant-admin01-) keys.
    kind: "api_key",
    prefixes: ["sk-"],
    body: isKeyBody,
    minLength: 23,
    decide: (text, start, bodyStart, end) => (end - bodyStart >= 20 && looksRandom(text.slice(bodyStart, end)) ? end : -1),
    secondLine: [String.raw`\bsk-[A-Za-z0-9_-]{20,}`],
  }),
  prefixDetector({
    kind: "api_key",
    prefixes: ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"],
    body: isAlnumDash,
    minLength: 15,
    decide: (text, start, bodyStart, end) => (end - bodyStart >= 10 && looksRandom(text.slice(bodyStart, end)) ? end : -1),
    secondLine: [String.raw`\bxox[abprs]-[A-Za-z0-9-]{10,}`],
  }),
  prefixDetector({
    // Stripe secret, restricted and publishable keys, live and test.
    kind: "api_key",
    prefixes: ["sk_live_", "rk_live_", "pk_live_", "sk_test_", "rk_test_", "pk_test_"],
    body: isAlnumCode,
    minLength: 18,
    decide: (_text, _start, bodyStart, end) => (end - bodyStart >= 10 ? end : -1),
    secondLine: [String.raw`\b[prs]k_(?:live|test)_[A-Za-z0-9]{10,}`],
  }),
  prefixDetector({
    // Google API keys: "AIza" and 35 characters.
    kind: "api_key",
    prefixes: ["AIza"],
    body: isBase64Url,
    minLength: 39,
    decide: (_text, _start, bodyStart, end) => (end - bodyStart >= 35 ? end : -1),
    secondLine: [String.raw`\bAIza[0-9A-Za-z_-]{35,}`],
  }),
  prefixDetector({
    // Azure AD (Entra ID) client secrets: three characters, a digit, "Q~", then 31-34 more.
    kind: "api_key",
    prefixes: ["Q~"],
    body: isAzureSecretChar,
    before: isAzureSecretChar,
    minLength: 37,
    decide: (text, start, bodyStart, end) => {
      const at = bodyStart - 2;
      return at - start >= 4 && isDigitCode(text.charCodeAt(at - 1)) && end - bodyStart >= 31 ? end : -1;
    },
    secondLine: [String.raw`[A-Za-z0-9_.~-]{3}[0-9]Q~[A-Za-z0-9_.~-]{31,}`],
  }),
];

const awsKeys: Detector[] = [
  prefixDetector({
    kind: "aws_access_key",
    prefixes: ["AKIA", "ASIA"],
    body: (c) => isUpperCode(c) || isDigitCode(c),
    minLength: 20,
    decide: (text, start, bodyStart, end) => (end - bodyStart === 16 && !isWordCode(code(text, end)) ? end : -1),
    secondLine: [String.raw`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`],
  }),
  patternDetector({
    // aws_secret_access_key, AWS_SECRET_KEY, "SecretAccessKey", secret-access-key … followed by 40 base64 characters.
    kind: "aws_access_key",
    pattern: /(?:aws[_-]?secret|secret[_-]?access)[\w-]{0,24}["'\x60]?[\t ]{0,8}(?:=>|:=|[:=])[\t ]{0,8}["'\x60]?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi,
    group: 1,
    minLength: 50,
    check: (text, start, end) => (looksRandom(text.slice(start, end)) ? end : -1),
    secondLine: [String.raw`(?i:aws[_-]?secret|secret[_-]?access)[A-Za-z0-9_-]{0,24}["'\x60]?[\t ]{0,8}(?:=>|:=|[:=])[\t ]{0,8}["'\x60]?[A-Za-z0-9/+]{40}`],
  }),
];

const githubTokens = patternDetector({
  kind: "github_token",
  // Unbounded only at the end, where nothing follows: a match cannot fail after its run.
  pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})/g,
  minLength: 40,
  precheck: (text) => text.includes("_"),
  literals: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
  secondLine: [String.raw`\b(?:gh[opsru]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})`],
});

/** End of a base64url segment starting at `from` (the next `.` or the end of the token run). */
const segmentEnd = (text: string, from: number): number => runEnd(text, from, isBase64Url);

const jwts = prefixDetector({
  kind: "jwt",
  prefixes: ["eyJ"],
  body: (c) => isBase64Url(c) || c === DOT,
  minLength: 24,
  before: undefined,
  decide: (text, start, _bodyStart, runEnd_) => {
    // header "." payload (2+) "." signature (may be empty): stop at the third dot, as a sentence may follow.
    const headerEnd = segmentEnd(text, start);
    if (code(text, headerEnd) !== DOT) return -1;
    const payloadEnd = segmentEnd(text, headerEnd + 1);
    if (payloadEnd - headerEnd - 1 < 2 || code(text, payloadEnd) !== DOT) return -1;
    const end = Math.min(segmentEnd(text, payloadEnd + 1), runEnd_);
    return isJwtHeader(text.slice(start, headerEnd)) ? end : -1;
  },
  secondLine: [String.raw`\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`],
});

/** Characters of an RFC 6750 b64token. */
const isB64Token = (c: number): boolean => isAlnumCode(c) || c === DASH || c === DOT || c === 95 || c === 126 || c === PLUS || c === SLASH;

/** A detector that finds a name with a bounded regex and reads the value after it by hand. */
function namedValueDetector(spec: {
  kind: BuiltInKind;
  name: RegExp;
  minLength: number;
  precheck?: (text: string) => boolean;
  /** See {@link Detector.literals}. */
  literals?: readonly string[];
  /** End of the value run starting at `from` (`from` when there is none); the search resumes after it. */
  value: (text: string, from: number) => number;
  decide: (text: string, start: number, end: number) => number;
  secondLine: readonly string[];
}): Detector {
  const { name, kind } = spec;
  return {
    kind,
    minLength: spec.minLength,
    needsDigit: false,
    ...(spec.literals === undefined ? {} : { literals: spec.literals }),
    secondLine: spec.secondLine,
    scan(text, findings) {
      if (spec.precheck !== undefined && !spec.precheck(text)) return;
      name.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = name.exec(text)) !== null) {
        const start = match.index + match[0].length;
        const end = spec.value(text, start);
        if (end > start) {
          const accepted = spec.decide(text, start, end);
          if (accepted > start) findings.add(start, accepted, kind);
          // Names inside the value are part of it: the search goes on after it, so nothing is read twice.
          name.lastIndex = Math.max(end, name.lastIndex);
        }
      }
    },
  };
}

const bearerTokens = namedValueDetector({
  // RFC 6750 b64token; the scheme name is case-insensitive, written Bearer, bearer or BEARER in practice.
  kind: "bearer_token",
  name: /\b(?:[Bb]earer|BEARER)[\t ]{1,16}/g,
  minLength: 23,
  precheck: hasAny(["Bearer", "bearer", "BEARER"]),
  literals: ["Bearer", "bearer", "BEARER"],
  value: (text, from) => {
    let end = runEnd(text, from, isB64Token);
    while (code(text, end) === EQUALS) end++;
    return end;
  },
  decide: (text, start, end) => {
    // A trailing dot ends the sentence, not the token.
    while (end > start && text.charCodeAt(end - 1) === DOT) end--;
    return end - start >= 16 && looksRandom(text.slice(start, end)) ? end : -1;
  },
  secondLine: [String.raw`\b(?:[Bb]earer|BEARER)[\t ]{1,16}[A-Za-z0-9._~+/-]{16,}=*`],
});

const isBase64Char = (c: number): boolean => isAlnumCode(c) || c === PLUS || c === SLASH;

// Characters of a secret value. It may contain dots but never ends with one (sentence punctuation).
const isSecretChar = (c: number): boolean =>
  isWordCode(c) || c === PLUS || c === SLASH || c === 126 || c === 33 || c === 64 || c === 35 || c === 36 || c === 37 || c === 94 || c === 38 || c === 42 || c === EQUALS || c === DASH;
const isSecretCharOrDot = (c: number): boolean => isSecretChar(c) || c === DOT;

// A password value: anything up to a space, a quote, a separator or a bracket (markers start with "[").
const isPasswordChar = (c: number): boolean =>
  c > 32 && c < 127 && c !== 34 && c !== 39 && c !== 96 && c !== 44 && c !== 59 && c !== 38 && c !== BACKSLASH && c !== 91 && c !== 93 && c !== 60 && c !== 62 && c !== 123 && c !== 125;

const MAX_PASSWORD = 128;

const secrets: Detector[] = [
  namedValueDetector({
    kind: "secret",
    name: /\b(?:[Bb]asic|BASIC)[\t ]{1,16}/g,
    minLength: 12,
    precheck: hasAny(["Basic", "basic", "BASIC"]),
    literals: ["Basic", "basic", "BASIC"],
    value: (text, from) => {
      let end = runEnd(text, from, isBase64Char);
      let pad = 0;
      while (code(text, end) === EQUALS && pad < 2) {
        end++;
        pad++;
      }
      return end;
    },
    // More base64 or padding after the value: not one credential.
    decide: (text, start, end) =>
      end - start >= 6 && code(text, end) !== EQUALS && isBasicCredentials(text.slice(start, end)) ? end : -1,
    secondLine: [String.raw`\b(?:[Bb]asic|BASIC)[\t ]{1,16}[A-Za-z0-9+/]{6,}={0,2}`],
  }),
  namedValueDetector({
    // A name ending in one of these words (api_key, clientSecret, ACCESS_TOKEN, db_password, AccountKey, sig, …),
    // an optional plural "s", a few separator characters (quotes, escaped quotes, `:`, `=`, `=>`), then a value
    // of 20+ characters that looks random.
    kind: "secret",
    name: /(?:key|secret|token|passw(?:or)?d|pwd|credential|sig)s?[\t "'\x60:=>\\]{1,8}/gi,
    minLength: 24,
    value: (text, from) => {
      if (!isSecretChar(code(text, from))) return from;
      let end = runEnd(text, from, isSecretCharOrDot);
      while (end > from && text.charCodeAt(end - 1) === DOT) end--;
      return end;
    },
    decide: (text, start, end) => (end - start >= 20 && isHighEntropySecret(text.slice(start, end)) ? end : -1),
    secondLine: [
      String.raw`(?i:key|secret|token|passw(?:or)?d|pwd|credential|sig)s?[\t "'\x60:=>\\]{1,8}[A-Za-z0-9_+/~!@#$%^&*=-][A-Za-z0-9_+/~!@#$%^&*.=-]{18,}[A-Za-z0-9_+/~!@#$%^&*=-]`,
    ],
  }),
  namedValueDetector({
    // Short passwords: any value with a digit or mixed case after a password name and an assignment.
    kind: "secret",
    name: /(?:passw(?:or)?d|pwd|passphrase)\\?["'\x60]?[\t ]{0,8}(?:=>|:=|[:=])[\t ]{0,8}(?:\\?["'\x60])?/gi,
    minLength: 8,
    // Read at most one character past the longest password, so a long run costs a constant per name.
    value: (text, from) => runEnd(text, from, isPasswordChar, from + MAX_PASSWORD + 1),
    decide: (text, start, end) => (end - start >= 4 && end - start <= MAX_PASSWORD && looksRandom(text.slice(start, end)) ? end : -1),
    secondLine: [String.raw`(?i:passw(?:or)?d|pwd|passphrase)["'\x60]?[\t ]{0,8}(?:=>|:=|[:=])[\t ]{0,8}["'\x60]?[!#$%()*+./0-9:=?@A-Z^_a-z|~-]{4,128}`],
  }),
  patternDetector({
    // The password of URL user information: scheme://user:password@host.
    kind: "secret",
    pattern: /\b[A-Za-z][A-Za-z0-9+.-]{1,15}:\/\/[^\s/?#@:]{1,128}:([^\s/?#@]{1,256})(?=@)/g,
    group: 1,
    minLength: 10,
    precheck: (text) => text.includes("://"),
    literals: ["://"],
    secondLine: [String.raw`[A-Za-z][A-Za-z0-9+.-]{1,15}://[^\s/?#@:]{1,128}:[^\s/?#@]{1,256}@`],
  }),
];

const BEGIN = "-----BEGIN ";
const DASHES = "-----";
const MAX_PEM_LABEL = 64;

const privateKeys: Detector = {
  kind: "private_key",
  minLength: 20,
  needsDigit: false,
  // In the gate's one pass: `indexOf` alone stopped at every "-" of the text (dates, ids).
  literals: [BEGIN],
  secondLine: [String.raw`-----BEGIN [A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END [A-Z0-9 ]{0,64}PRIVATE KEY(?: BLOCK)?-----|$)`],
  scan(text, findings) {
    let from = 0;
    let at: number;
    while ((at = text.indexOf(BEGIN, from)) !== -1) {
      const labelStart = at + BEGIN.length;
      const labelEnd = text.indexOf(DASHES, labelStart);
      from = labelStart;
      if (labelEnd === -1) return;
      if (labelEnd - labelStart > MAX_PEM_LABEL) continue;
      const label = text.slice(labelStart, labelEnd);
      if (!label.includes("PRIVATE KEY")) {
        from = labelEnd;
        continue;
      }
      const endLine = `-----END ${label}-----`;
      const endAt = text.indexOf(endLine, labelEnd);
      // A key whose END is missing (cut, or pasted in part) is redacted to the end of the text.
      const end = endAt === -1 ? text.length : endAt + endLine.length;
      findings.add(at, end, "private_key");
      if (endAt === -1) return;
      from = end;
    }
  },
};

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
  return isUpperCode(c) || isLowerCode(c) || isNonAsciiLetter(c);
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
  secondLine: [String.raw`[\p{L}\p{N}._%+-]{1,64}(?:@|%40)[\p{L}\p{N}-]{1,63}(?:\.[\p{L}\p{N}-]{1,63})*\.\p{L}{2,63}`],
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

// Between digit groups: one space, dash, dot or slash (NBSP, thin spaces and dash-like characters are folded to
// these by the normalised view).
const SEP = "[ ./-]";

/** Card numbers: Luhn-valid; unseparated runs must start with 2-6 (the card networks), which rules out epoch-millisecond timestamps. */
const cardNumbers = patternDetector({
  kind: "card_number",
  // Bounded: at most 23 characters per attempt. \b first: a position inside a digit run fails at once.
  pattern: new RegExp(String.raw`\b(?:\d{4}${SEP}(?:\d{4}${SEP}\d{4}${SEP}\d{4}|\d{6}${SEP}\d{4,5})|[2-6]\d{12,18})`, "g"),
  minLength: 13,
  needsDigit: true,
  candidates: (c) => c.card,
  check: (text, start, end) => (numberBoundaries(text, start, end) && luhnValid(text.slice(start, end)) ? end : -1),
  secondLine: [String.raw`\b(?:[0-9]{4}[ ./-](?:[0-9]{4}[ ./-][0-9]{4}[ ./-][0-9]{4}|[0-9]{6}[ ./-][0-9]{4,5})|[2-6][0-9]{12,18})\b`],
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
  secondLine: [String.raw`\b[A-Z]{2}[0-9]{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,3})?)\b`],
});

const usSsns = patternDetector({
  kind: "us_ssn",
  pattern: new RegExp(String.raw`\b\d{3}${SEP}\d{2}${SEP}\d{4}\b`, "g"),
  minLength: 11,
  needsDigit: true,
  candidates: (c) => c.ssn,
  check: (text, start, end) => (numberBoundaries(text, start, end) && usSsnValid(text.slice(start, end)) ? end : -1),
  secondLine: [String.raw`\b[0-9]{3}[ ./-][0-9]{2}[ ./-][0-9]{4}\b`],
});

const phones = patternDetector({
  kind: "phone",
  // Every alternative is bounded (at most about 80 characters per attempt).
  pattern: new RegExp(
    [
      // E.164: "+" and country code, then digits, optionally grouped by single separators, "(0)" or "(area)".
      String.raw`\+[1-9](?:\d{7,14}|\d{0,2}(?:${SEP}?\(\d{1,4}\)${SEP}?\d{1,10}|${SEP}\d{1,10}){1,6})`,
      // NANP: (415) 555-0123, 415-555-0123, 415.555.0123, 415 555 0123, 1-800-555-0199.
      String.raw`(?:\b1${SEP})?(?:\([2-9]\d{2}\) ?|\b[2-9]\d{2}${SEP})[2-9]\d{2}${SEP}\d{4}`,
      // Trunk-0 national numbers: 020 7946 0958, 07700 900123, 030 1234 5678, 01 23 45 67 89.
      String.raw`\b0\d(?:${SEP}\d{2}){4}`,
      String.raw`\b0\d{1,4}[ ./-]\d{3,4}[ ./-]?\d{3,4}`,
    ].join("|"),
    "g",
  ),
  minLength: 9,
  needsDigit: true,
  candidates: (c) => c.phone,
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
  secondLine: [
    String.raw`\+[1-9](?:[0-9]{7,14}|[0-9]{0,2}(?:[ ./-]?\([0-9]{1,4}\)[ ./-]?[0-9]{1,10}|[ ./-][0-9]{1,10}){1,6})`,
    String.raw`(?:\b1[ ./-])?(?:\([2-9][0-9]{2}\) ?|\b[2-9][0-9]{2}[ ./-])[2-9][0-9]{2}[ ./-][0-9]{4}\b`,
    String.raw`\b0[0-9](?:[ ./-][0-9]{2}){4}\b`,
    String.raw`\b0[0-9]{1,4}[ ./-][0-9]{3,4}[ ./-]?[0-9]{3,4}\b`,
  ],
});

/** Every built-in detector, in priority order. */
export const DETECTORS: readonly Detector[] = [
  privateKeys,
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
