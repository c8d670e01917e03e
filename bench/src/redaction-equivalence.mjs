// SPDX-License-Identifier: Apache-2.0
// Differential check of the redaction engine: the working tree's sources against those of a git revision (default
// `main`), on random strings built from detector-shaped pieces, on every generator at four sizes, and on random
// trees redacted whole and as payloads cut to three budgets. A speed-up of the engine must give the same bytes.
//   node bench/src/redaction-equivalence.mjs [--base <git revision>] [--strings N] [--trees N] [--seed N]
// The revision's packages/instrumentation/src is extracted to packages/instrumentation/.cache/redaction-base/ (git-ignored,
// refreshed each run); both engines run from their TypeScript sources with Node's type stripping. Exit code 1 on any
// difference (the first ones are printed).
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
// The sources import "./x.js": mapped to the ".ts" files next to them.
import "../../packages/instrumentation/test/redaction/ts-sources.mjs";


const { values: args } = parseArgs({
  options: {
    base: { type: "string", default: "main" },
    strings: { type: "string", default: "40000" },
    trees: { type: "string", default: "6000" },
    seed: { type: "string", default: "1" },
  },
});

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const pkg = join(root, "packages", "instrumentation");
const baseDir = join(pkg, ".cache", "redaction-base");
rmSync(baseDir, { recursive: true, force: true });
mkdirSync(baseDir, { recursive: true });
const archive = execFileSync("git", ["-C", root, "archive", args.base, "packages/instrumentation/src"]);
execFileSync("tar", ["-x", "-C", baseDir, "--strip-components=2"], { input: archive });

const load = (dir) =>
  Promise.all([import(pathToFileURL(join(dir, "src/redaction/index.ts")).href), import(pathToFileURL(join(dir, "src/serialize.ts")).href)]);
const [[OLD, OLD_SERIALIZE], [NEW, NEW_SERIALIZE]] = await Promise.all([load(baseDir), load(pkg)]);
const { GENERATORS, REALISTIC_PARAGRAPH } = await import(pathToFileURL(join(pkg, "test/redaction/generators.ts")).href);

let seed = Number(args.seed);
const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
const pick = (list) => list[Math.floor(random() * list.length)];

// Pieces that start, end, break or fake every detector's shape; numbers in every grouping the scanners look at.
const PIECES = [
  "a", "Z", "X", "DE", "GB", "0", "1", "2", "4", "5", "9", "00", "12", "123", "0123", "4111", "000123", "-", "_", "+", "/", "=", "==", "@", " ", " ", ".", ",", ":", "~",
  "(", ")", "\t", "\n", "'", '"', "\\", "%", "é", "\u200b", "%40", "\uff14", "\u2013", "\u00a0",
  "sk-", "eyJ", "xoxb-", "Bearer ", "Basic ", "://", "AKIA", "ASIA", "AIza", "ghp_", "github_pat_", "Q~", "sk_live_",
  "-----BEGIN PRIVATE KEY-----", "-----END PRIVATE KEY-----",
  "4111 1111 1111 1111", "4111-1111-1111-1111", "5555555555554444", "378282246310005", "4111 111111 11111",
  "123-45-6789", "078.05.1120", "(415) 555-0123", "(212) 555-0199", "(2", "+9", "415-555-0123", "1-800-555-0199", "+1 415-555-0123", "+44 20 7946 0958",
  "+49 (0)30 1234 5678", "020 7946 0958", "07700 900123", "01 23 45 67 89", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432",
  "jane@example.com", "jane.doe@example.co.uk", "QUFBQUFBQUFBQUFBQUFBQUFB",
  "bWFpbCBqYW5lQGV4YW1wbGUuY29tIGFib3V0IDQxMTEgMTExMSAxMTExIDExMTEuIA==", "550e8400-e29b-41d4-a716-446655440000",
  "password=Secr3t!", "api_key: abcdEFGH1234ijklMNOP5678", "aws_secret_access_key=", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "https://user:pa55@host", "2024-01-15T10:30:00Z", "$1,299.99", "10.0.0.12", "v2.3.1",
];

let cases = 0;
let diffs = 0;
const report = (label, input, a, b) => {
  if (diffs++ < 8) console.log(`DIFF ${label}\n  input ${JSON.stringify(input).slice(0, 400)}\n  base  ${a.slice(0, 400)}\n  new   ${b.slice(0, 400)}`);
};

const CONFIGS = [
  // A fixed key: without one each Redactor draws its own, and digests in truncation markers would differ.
  { label: "default", options: { hmacKey: "k".repeat(32) } },
  { label: "hmac", options: { replacement: "hmac", hmacKey: "k".repeat(32) } },
  { label: "rules", options: { detectors: ["email", "phone", "card_number", "us_ssn", "iban"], rules: [{ name: "order", pattern: "ORD-\\d+" }], hmacKey: "k".repeat(32) } },
];
const engines = CONFIGS.map((c) => ({ label: c.label, old: new OLD.Redactor(c.options), new: new NEW.Redactor(c.options) }));

function checkString(text) {
  for (const e of engines) {
    cases++;
    const a = JSON.stringify(e.old.redactString(text));
    const b = JSON.stringify(e.new.redactString(text));
    if (a !== b) report(`string (${e.label})`, text, a, b);
  }
}

function piece(maxParts) {
  let text = "";
  const parts = 1 + Math.floor(random() * maxParts);
  for (let j = 0; j < parts; j++) {
    const p = pick(PIECES);
    text += random() < 0.3 ? p.repeat(1 + Math.floor(random() * 20)) : p;
  }
  return text;
}

const strings = Number(args.strings);
for (let i = 0; i < strings; i++) checkString(piece(30));
for (const g of GENERATORS) for (const size of [100, 1000, 20_000, 200_000]) checkString(g.make(size));
for (let i = 0; i < 200; i++) checkString(REALISTIC_PARAGRAPH.slice(Math.floor(random() * 200)) + piece(10) + REALISTIC_PARAGRAPH);
const stringCases = cases;
const stringDiffs = diffs;
console.log(`strings: ${stringCases} redactions (${stringCases / engines.length} strings × ${engines.length} configs), ${stringDiffs} differences`);

// Trees: whole, and as payloads cut to three budgets.
const KEYS = ["pageContent", "metadata", "api_key", "password", "content", "jane@example.com", "sourceSection", "QUFBQUFBQUFBQUFBQUFBQUFB", "phone"];
// Leaves drawn from a pool half the time: strings, and pairs of neighbouring strings, come back with other
// neighbours and in other trees, as a history does in an agent loop (what an engine that remembers clean texts sees).
const POOL = Array.from({ length: 150 }, () => piece(8));
// JSON texts that come back at several decoding levels (as a string, in a JSON string, in JSON in JSON).
const JSON_POOL = [];
const leaf = (depth) => {
  const r = random();
  if (r < 0.06 && depth < 5) return JSON.stringify(tree(depth + 1)); // JSON in a string, at times JSON in JSON
  if (r < 0.1 && JSON_POOL.length > 0) return random() < 0.5 ? pick(JSON_POOL) : JSON.stringify({ nested: pick(JSON_POOL) });
  if (r < 0.3) return Math.floor(random() * 1e16);
  return random() < 0.5 ? pick(POOL) : piece(8);
};
// A value cut in two neighbouring strings, at times one of the pool's strings on one side.
const split = () => {
  const whole = random() < 0.5 ? pick(POOL) + piece(3) : piece(6);
  const cut = Math.floor(random() * (whole.length + 1));
  return [whole.slice(0, cut), whole.slice(cut)];
};
const tree = (depth) => {
  if (depth > 3 || random() < 0.3) return leaf(depth);
  if (random() < 0.1) return split();
  if (random() < 0.4) return Array.from({ length: Math.floor(random() * 5) }, () => tree(depth + 1));
  const node = {};
  for (let i = 0; i < 4; i++) node[random() < 0.8 ? pick(KEYS) : piece(4)] = tree(depth + 1);
  return node;
};
const payload = (r) => ({ redact: (s) => (typeof s === "string" ? r.redactString(s) : r.redactTree(s)), digest: (t) => r.digest(t) });
const trees = Number(args.trees);
for (let i = 0; i < 40; i++) JSON_POOL.push(JSON.stringify(tree(2)));
const earlier = [];
for (let i = 0; i < trees; i++) {
  // One tree in four is an earlier one again, grown by a new element (a history sent again with one more message).
  const t = earlier.length > 0 && random() < 0.25 ? [...[pick(earlier)].flat(), tree(1)] : tree(0);
  if (earlier.length < 200) earlier.push(t);
  for (const e of engines) {
    cases++;
    const a = JSON.stringify(e.old.redactTree(t));
    const b = JSON.stringify(e.new.redactTree(t));
    if (a !== b) report(`tree (${e.label})`, t, a, b);
  }
  const e = engines[0];
  for (const budget of [64, 512, 8192]) {
    cases++;
    const a = JSON.stringify(OLD_SERIALIZE.serializeRedactedPayload(t, budget, payload(e.old)));
    const b = JSON.stringify(NEW_SERIALIZE.serializeRedactedPayload(t, budget, payload(e.new)));
    if (a !== b) report(`payload ${budget} B`, t, a, b);
  }
}
console.log(`trees: ${trees} trees × ${engines.length} configs + ${trees} × 3 payload budgets (64, 512, 8192 B): ${diffs - stringDiffs} differences`);
console.log(`total: ${cases} comparisons against ${args.base}, ${diffs} differences`);
process.exit(diffs === 0 ? 0 : 1);
