// SPDX-License-Identifier: Apache-2.0
// Adversarial and realistic inputs for the redaction engine, each a function of the size in characters. Shared by
// the linear-scaling test (redaction/scaling.test.ts) and `pnpm bench` (bench/src/redaction.mjs, which loads this
// file with Node's type stripping: it imports nothing).
//
// Each generator targets one way a scanner can go quadratic: a prefix that starts a candidate at every few
// characters (`eyJ-`, `sk-`), a run that a pattern scans and then rejects (a long word before a missing `.`), digit
// groups that can be split many ways, a finding per few characters (the findings list), a normalisation that
// expands, or a nested format (JSON, base64, PEM) that could be decoded again and again.

/** A deterministic pseudo-random source (mulberry32), so every run measures the same text. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `unit` repeated to exactly `size` characters. */
export function repeatTo(unit: string, size: number): string {
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size);
}

/** Units from `make(i)` joined until `size` characters, cut to exactly `size`. */
function build(size: number, make: (i: number) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const part = make(i);
    parts.push(part);
    length += part.length;
  }
  return parts.join("").slice(0, size);
}

const BASE62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const BASE64 = `${BASE62}+/`;

function randomChars(alphabet: string, length: number, random: () => number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

function base64Of(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/** Realistic chat / tool text: prose with ids, dates, amounts, versions and the odd contact detail. */
export const REALISTIC_PARAGRAPH =
  "The assistant reviewed order ORD-2024-000123 placed on 2024-01-15T10:30:00Z for $1,299.99 and found that " +
  "version 2.3.1 of the service (build 20240115, run 550e8400-e29b-41d4-a716-446655440000) handled 1,024 tokens " +
  "in 345 ms. The password field is required on the sign-in form, and the API key setting lives in the dashboard " +
  "under Settings > Security. Host 10.0.0.12 answered within the 30 second timeout; retry count was 3 of 5. " +
  "Paris is the capital of France; if you are planning a visit, spring and early autumn are the most pleasant. ";

/** One realistic CSV row per customer: id, name, e-mail, phone, card, amount, date, note. */
function csvRow(i: number): string {
  const id = String(100000 + i);
  const card = i % 7 === 0 ? "4111 1111 1111 1111" : "";
  return `${id},Customer ${i % 997},user${i}@example.com,+1 415-555-${String(i % 10000).padStart(4, "0")},${card},${(i % 1000) + 0.99},2024-0${(i % 9) + 1}-1${i % 10},"order ORD-${id} shipped"\n`;
}

export interface Generator {
  name: string;
  /** Text of exactly `size` characters. */
  make(size: number): string;
}

/** At least 30 generators: the cases first, then one per scanner and normaliser. */
export const GENERATORS: readonly Generator[] = [
  { name: "eyJ- repeated (issue: JWT rescans the run)", make: (n) => repeatTo("eyJ-", n) },
  { name: "emails and phones mixed (issue)", make: (n) => repeatTo("jane.doe@example.com +1 415-555-0123, ", n) },
  { name: "cards and emails mixed (issue)", make: (n) => repeatTo("4111 1111 1111 1111 jane@example.com; ", n) },
  { name: "CSV tool output (issue)", make: (n) => build(n, csvRow) },
  { name: "JWT header then dots", make: (n) => repeatTo("eyJhbGciOiJIUzI1NiJ9.", n) },
  { name: "eyJ word run before a missing dot", make: (n) => repeatTo(`eyJ${"a".repeat(60)} `, n) },
  { name: "sk- repeated", make: (n) => repeatTo("sk-", n) },
  { name: "sk- keys one character short", make: (n) => repeatTo("sk-aaaaaaaaaaaaaaaaaaa ", n) },
  { name: "Stripe prefixes", make: (n) => repeatTo("sk_live_rk_live_pk_live_", n) },
  { name: "xoxb- repeated", make: (n) => repeatTo("xoxb-", n) },
  { name: "ghp_ repeated", make: (n) => repeatTo("ghp_", n) },
  { name: "AKIA / AIza prefixes", make: (n) => repeatTo("AKIAAIza", n) },
  { name: "aws_secret assignments", make: (n) => repeatTo("aws_secret_access_key=", n) },
  { name: "Bearer then spaces", make: (n) => repeatTo("Bearer      ", n) },
  { name: "Basic with over-padded base64", make: (n) => repeatTo("Basic QUFBQUFBQUFB=== ", n) },
  { name: "key= chains", make: (n) => repeatTo("key=", n) },
  { name: "password= then dots", make: (n) => repeatTo("password=a....................", n) },
  { name: "@ repeated", make: (n) => repeatTo("@", n) },
  { name: "local parts of 70 characters", make: (n) => repeatTo(`${"a".repeat(70)}@`, n) },
  { name: "domain of dots", make: (n) => "a@" + repeatTo("b.", n - 2) },
  { name: "one digit run", make: (n) => repeatTo("0", n) },
  { name: "digit groups of four", make: (n) => repeatTo("4111 ", n) },
  { name: "card groups chained by dashes", make: (n) => repeatTo("4111-1111-1111-1111-", n) },
  { name: "phones + and single digits", make: (n) => "+" + repeatTo("1 ", n - 1) },
  { name: "area codes in parentheses", make: (n) => repeatTo("(415) ", n) },
  { name: "SSN-shaped prefixes", make: (n) => repeatTo("123-45-", n) },
  { name: "IBAN-shaped groups", make: (n) => repeatTo("DE89 3704 ", n) },
  { name: "percent signs", make: (n) => repeatTo("%4", n) },
  { name: "percent-encoded addresses", make: (n) => repeatTo("jane%40example.com%20", n) },
  { name: "zero-width characters between letters", make: (n) => repeatTo("a\u200bb\u200c@\u200d", n) },
  { name: "fullwidth digits and at signs", make: (n) => repeatTo("\uff14\uff11\uff11\uff11\u3000\uff20", n) },
  { name: "base64 of text with addresses", make: (n) => repeatTo(base64Of("mail jane@example.com about 4111 1111 1111 1111. "), n) },
  { name: "one random base64 run", make: (n) => randomChars(BASE64, n, seeded(1)) },
  { name: "random hex", make: (n) => randomChars("0123456789abcdef", n, seeded(2)) },
  { name: "PEM headers without an end", make: (n) => repeatTo("-----BEGIN PRIVATE KEY-----\n", n) },
  { name: "URL credentials", make: (n) => repeatTo("https://user:pass@", n) },
  { name: "JSON object openers", make: (n) => repeatTo('{"a":', n) },
  { name: "JSON strings of escapes", make: (n) => '"' + repeatTo('\\"', n - 2) + '"' },
  { name: "CJK text", make: (n) => repeatTo("请联系我们的客户服务团队以获取更多信息。", n) },
  { name: "realistic prose", make: (n) => repeatTo(REALISTIC_PARAGRAPH, n) },
];
