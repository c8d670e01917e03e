// SPDX-License-Identifier: Apache-2.0
/**
 * Redaction of serialized payloads and exported strings, in-process, before any span or record holds them.
 *
 * A string is matched on its normalised view (normalize.ts) and replaced on the original: the user patterns
 * first, then the built-in detectors in priority order (a character claimed by one finding cannot be claimed by a
 * later one), then base64 / base64url runs that decode to text holding a finding. A string that is itself JSON is
 * parsed and redacted as a tree. Trees (the output of `toJsonSafe`) are walked once, copy-on-write: path rules,
 * then key rules, then secret-named keys replace whole values; every other string, and every object key, is
 * scanned; a value split across two consecutive strings (two messages of one request) is found at their junction.
 *
 * Every step is linear in the length of its input, and the input is bounded by the caller: payloads are cut to
 * their byte budget before they are scanned (content.ts).
 */

import { Buffer } from "node:buffer";
import { hmacSha256Hex } from "../hmac.js";
import type { JsonSafe } from "../json-safe.js";
import { looksRandom } from "./checks.js";
import { resolveRedactionOptions, type ResolvedRedaction } from "./config.js";
import { base64Runs, isText, mayDecodeToText, MIN_BASE64_RUN } from "./base64.js";
import { findCandidates, type Candidates } from "./candidates.js";
import { CleanPairs, CleanTexts, MAX_REMEMBERED_CHARS } from "./clean-memo.js";
import { Findings } from "./findings.js";
import { literalGate, type DetectorMask } from "./literal-gate.js";
import { normalize, originalRange } from "./normalize.js";
import { isSecretKey } from "./secret-keys.js";
import type { RedactionOptions, RedactionResult } from "./types.js";

type JsonObject = { [key: string]: JsonSafe };
type Env = Readonly<Record<string, string | undefined>>;

/** Nesting depth at which the walk stops: `toJsonSafe` never nests deeper (its ceiling is 500). */
const MAX_TREE_DEPTH = 500;
/** What replaces a subtree nested deeper than {@link MAX_TREE_DEPTH}: it is not walked, so it cannot be let out. */
const MAX_DEPTH_MARKER = "[MaxDepth]";
/** What a value becomes if redaction fails unexpectedly: nothing unredacted leaves (fail closed). */
export const UNREDACTABLE = "[Unredactable]";

const DIGIT = /\d/;
// 13 digits: the shortest card number.
const MIN_SCANNED_INTEGER = 1e12;
const NO_STATES: readonly number[] = Object.freeze([]);
/** Decoding levels: base64 inside base64, JSON inside a JSON string; each level is linear, so the total is too. */
const MAX_NESTING = 2;
/** Characters on each side of the junction of two consecutive strings that are scanned together. */
const JUNCTION_WINDOW = 64;
/** Characters scanned at once in a long string, and how far past its end a window reads (longer than a PEM key). */
const WINDOW = 56 * 1024;
const WINDOW_MARGIN = 8 * 1024;
/** Shortest ASCII text scanned as a copy of its own (see `_scanWindow`). */
const MIN_COPIED = 1024;
// The bytes of the last copy, made at the first: a scanned text is at most a window long, so this stays bounded.
let copyBytes: Buffer | undefined;

/** A fresh one-byte string equal to `text` (ASCII only), made through one reused buffer. */
function ownCopy(text: string): string {
  if (copyBytes === undefined || text.length > copyBytes.length) copyBytes = Buffer.allocUnsafe(Math.max(text.length, WINDOW + WINDOW_MARGIN));
  const written = copyBytes.write(text, "latin1");
  const copy = copyBytes.toString("latin1", 0, written);
  // As for keyed digests (hmac.ts): no copy of a payload outlives the call in a buffer of ours.
  copyBytes.fill(0, 0, written);
  return copy;
}
/** How two consecutive strings are joined for the junction scan: as typed across a boundary, or as two words. */
const JOINERS = ["", " "] as const;

/** Sets `out[key]`, defining `__proto__` as data so it never replaces the output's prototype. */
function setKey(out: JsonObject, key: string, value: JsonSafe): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

function increment(counts: Record<string, number>, kind: string, by = 1): void {
  counts[kind] = (counts[kind] ?? 0) + by;
}

/** Whether a string is shaped like a JSON object or array (first and last non-space characters). */
function looksLikeJson(text: string): boolean {
  let start = 0;
  let end = text.length - 1;
  while (start < end && text.charCodeAt(start) <= 32) start++;
  while (end > start && text.charCodeAt(end) <= 32) end--;
  const first = text.charCodeAt(start);
  const last = text.charCodeAt(end);
  return end > start && ((first === 123 && last === 125) || (first === 91 && last === 93));
}

/** A range found at the junction of two strings, applied to one of them before it is scanned. */
interface Seed {
  start: number;
  end: number;
  kind: string;
  /** The other part of the same value carries the count. */
  counted: boolean;
}

/**
 * Replaces secrets and personal data in payload strings, `toJsonSafe` trees and every other exported string
 * (names, tags, keys, error texts).
 *
 * Built-in detectors (see {@link RedactionOptions.detectors}): PEM private keys; API keys (`sk-…`, `sk-ant-…`,
 * Slack `xox?-…`, Stripe `sk_live_…`/`rk_live_…`/`pk_live_…`, Google `AIza…`, Azure AD client secrets), AWS
 * access key ids and secret keys, GitHub tokens, JWTs, `Bearer` tokens, generic secrets (HTTP Basic credentials;
 * a random-looking value of 20+ characters after a name ending in key/secret/token/password/credential; a
 * password after a password name; the password in `scheme://user:password@`; the whole string value of an
 * object key named like a secret), email addresses, phone numbers, Luhn-valid card numbers, mod-97-valid IBANs
 * and US SSNs. Matching runs on a normalised form: percent-decoded, NFKC, invisible characters removed, any
 * space or dash between digit groups; base64 runs that decode to text are scanned as that text.
 *
 * In a tree:
 * - object keys are scanned like strings (a key holding an address becomes its marker; two keys that become
 *   the same are told apart by `#2`, `#3`, …), and key and path rules read the original key;
 * - a value matched by a rule's `paths` or `keys`, or a non-empty string under a secret-named key, is
 *   replaced whole; other strings are scanned, a string that is JSON as a tree;
 * - a value split over two consecutive strings (64 characters either side of their junction) is replaced in both;
 * - numbers, booleans and null are kept, except integers of 13 or more digits, which are scanned as
 *   their decimal text (a card number stored as a number) and become a string when something is found;
 * - a subtree nested deeper than 500 levels (which `toJsonSafe` never produces) becomes `"[MaxDepth]"`.
 *
 * The methods never throw and never mutate their input. When nothing is found the input itself is
 * returned (no copy); otherwise only the containers on the way to a replacement are copied.
 * Should redaction fail unexpectedly, the value is `"[Unredactable]"`: nothing leaves unredacted.
 * Time is linear in the input; callers bound the input (payloads are cut to their budget before the scan).
 */
export class Redactor {
  private readonly _config: ResolvedRedaction;
  private readonly _gate: (text: string) => DetectorMask;
  // Reused by every scan, one pair per decoding level: a scan that finds nothing allocates nothing.
  private readonly _findings: Findings[] = [];
  private readonly _viewFindings: Findings[] = [];
  private readonly _windowFindings: Findings[] = [];
  // Decoding level of the walk in progress (0, or inside a JSON string).
  private _level = 0;
  // Junctions of the walk in progress: string leaves are numbered in walk order.
  private _leaf = 0;
  private _junctions = false;
  // The previous string leaf under each key ("content" of the previous message, the previous array element).
  private _previous = new Map<string, string>();
  private _leafKey = "";
  private readonly _leafIndex = new Map<string, number>();
  private _seeds: Map<number, Seed[]> | undefined;
  private _tailSeeds = false;
  // Short texts found clean (clean-memo.ts): scanned as text; JSON texts, also as a tree; leaf junctions, kept as
  // pairs (looking one up costs two hashes the leaves already carry, not a joined string's).
  private readonly _cleanTexts = new CleanTexts();
  private readonly _cleanJson = new CleanTexts();
  private readonly _cleanJunctions = new CleanPairs();

  /**
   * Validates and compiles the options once. Throws a `ConfigurationError` naming the option for an
   * unknown detector, a rule without a name or anything to match, an invalid or empty-matching
   * pattern, an unsupported path, an unknown replacement, or a short HMAC key.
   * @param env where `LANGCHAIN_OTEL_REDACTION_KEY` is read (default: `process.env`)
   */
  constructor(options: RedactionOptions = {}, env: Env = process.env) {
    this._config = resolveRedactionOptions(options, env);
    this._gate = literalGate(this._config.detectors);
  }

  /** Redacts one string with the user patterns and the built-in detectors (key and path rules need a tree). */
  redactString(text: string): RedactionResult<string> {
    const counts: Record<string, number> = {};
    try {
      return { value: this._string(text, counts, undefined), counts };
    } catch {
      return { value: UNREDACTABLE, counts: {} };
    }
  }

  /** Redacts a JSON-safe tree (the output of `toJsonSafe`); the same tree when nothing was found. */
  redactTree(tree: JsonSafe): RedactionResult<JsonSafe> {
    try {
      let counts: Record<string, number> = {};
      this._startWalk(true, undefined);
      let value = this._root(tree, counts);
      if (this._tailSeeds) {
        // A value split over two strings was found after the first of them had been written: walk again with
        // both parts known from the start.
        counts = {};
        this._startWalk(false, this._seeds);
        value = this._root(tree, counts);
      }
      this._startWalk(false, undefined);
      return { value, counts };
    } catch {
      this._startWalk(false, undefined);
      return { value: UNREDACTABLE, counts: {} };
    }
  }

  /**
   * Keyed digest (HMAC-SHA-256, lower-case hex) of a value's text: the deployment's key
   * (`LANGCHAIN_OTEL_REDACTION_KEY` or the `hmacKey` option), else a random per-process key. What policy `none`
   * and truncation markers under `redacted` carry instead of a bare hash, which anyone could confirm by guessing.
   */
  digest(text: string): string {
    return hmacSha256Hex(this._config.hmacKey, text);
  }

  /** Adds `counts` into `into`, kind by kind (for a span that sums several payloads). */
  static addCounts(into: Record<string, number>, counts: Record<string, number>): void {
    for (const kind in counts) {
      if (Object.hasOwn(counts, kind)) into[kind] = (into[kind] ?? 0) + counts[kind];
    }
  }

  private _startWalk(junctions: boolean, seeds: Map<number, Seed[]> | undefined): void {
    this._leaf = 0;
    this._junctions = junctions;
    // Both filled together, by one walk's keys: emptied for the next (a map's clear allocates, so only when used).
    if (this._previous.size > 0) {
      this._previous.clear();
      this._leafIndex.clear();
    }
    this._seeds = seeds;
    this._tailSeeds = false;
  }

  private _root(tree: JsonSafe, counts: Record<string, number>): JsonSafe {
    const paths = this._config.paths;
    if (paths === undefined) return this._node(tree, NO_STATES, 0, counts);
    const rule = paths.matchedRule(paths.initial);
    if (rule !== -1) return this._whole(tree, this._config.ruleNames[rule], counts);
    return this._node(tree, paths.initial, 0, counts);
  }

  private _findingsAt(list: Findings[], level: number): Findings {
    let findings = list[level];
    if (findings === undefined) list[level] = findings = new Findings();
    findings.reset();
    return findings;
  }

  /**
   * Adds every finding of `text` (original positions) to `findings`, after any already there. A long text is
   * scanned in windows of {@link WINDOW} characters, each read {@link WINDOW_MARGIN} characters further so that a
   * value across a window's end is seen whole; a finding belongs to the window it starts in. (The work per
   * character stays the same at any length: a window fits the processor's caches.) A short text found clean
   * before is not scanned again.
   */
  private _scan(text: string, findings: Findings, level: number): void {
    if (text.length <= MAX_REMEMBERED_CHARS && findings.size === 0) {
      if (this._cleanTexts.has(text, level)) return;
      this._scanWindow(text, findings, level);
      if (findings.size === 0) this._cleanTexts.add(text, level);
      return;
    }
    if (text.length <= WINDOW + WINDOW_MARGIN) {
      this._scanWindow(text, findings, level);
      return;
    }
    const window = this._findingsAt(this._windowFindings, level);
    for (let from = 0; from < text.length; from += WINDOW) {
      const last = from + WINDOW >= text.length;
      window.reset();
      this._scanWindow(text.slice(from, from + WINDOW + WINDOW_MARGIN), window, level);
      for (let i = 0; i < window.size; i++) {
        const start = window.start(i);
        if (!last && start >= WINDOW) break;
        findings.add(from + start, from + window.end(i), window.kind(i));
      }
    }
  }

  private _scanWindow(text: string, findings: Findings, level: number): void {
    const config = this._config;
    for (const rule of config.patternRules) {
      const regex = rule.regex;
      regex.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = regex.exec(text)) !== null) {
        const length = match[0].length;
        // A rule that matches empty text somewhere (a lookahead, say) has nothing to replace there.
        if (length === 0) regex.lastIndex++;
        else findings.add(match.index, match.index + length, rule.name);
      }
    }
    const view = normalize(text);
    // A slice of a longer string (a window, or the caller's) is read through its parent at every character: the
    // character-by-character scans run about a third faster on a copy of its own, which one byte per character
    // makes cheap (0.15 ms per MB).
    const scanned = view.ascii && text.length >= MIN_COPIED ? ownCopy(text) : view.text;
    const target = view.starts === undefined ? findings : this._findingsAt(this._viewFindings, level);
    const length = scanned.length;
    // Found once, and only when a detector gets that far.
    let hasDigit: boolean | undefined;
    let mask: DetectorMask | undefined;
    let candidates: Candidates | undefined;
    const detectors = config.detectors;
    for (let i = 0; i < detectors.length; i++) {
      const detector = detectors[i];
      if (length < detector.minLength) continue;
      if (detector.needsDigit && !(hasDigit ??= DIGIT.test(scanned))) continue;
      if (((mask ??= this._gate(scanned)) & (1 << i)) === 0) continue;
      detector.scan(scanned, target, detector.needsDigit ? (candidates ??= findCandidates(scanned)) : undefined);
    }
    if (level < MAX_NESTING && config.detectors.length > 0 && length >= MIN_BASE64_RUN) this._base64(scanned, target, level);
    if (target !== findings) {
      for (let i = 0; i < target.size; i++) {
        const [start, end] = originalRange(view, target.start(i), target.end(i));
        findings.add(start, end, target.kind(i));
      }
    }
  }

  /** Base64 / base64url runs that decode to text holding a finding: the run is redacted as that finding's kind. */
  private _base64(text: string, findings: Findings, level: number): void {
    const runs = base64Runs(text);
    for (let r = 0; r < runs.length; r += 2) {
      const start = runs[r]!;
      const end = runs[r + 1]!;
      const run = text.slice(start, end);
      if (!looksRandom(run) || !mayDecodeToText(run)) continue;
      const decoded = Buffer.from(run, run.includes("-") || run.includes("_") ? "base64url" : "base64").toString("utf8");
      if (!isText(decoded)) continue;
      const inner = this._findingsAt(this._findings, level + 1);
      this._scan(decoded, inner, level + 1);
      if (inner.size > 0) findings.add(start, end, inner.kind(0));
    }
  }

  private _string(text: string, counts: Record<string, number>, seeds: Seed[] | undefined): string {
    const scanned = this._text(text, counts, seeds);
    // JSON in a string: its text is scanned as text above (kinds as in any text), then its tree for what only a
    // tree shows (secret-named keys, escaped characters, keys).
    if (this._level >= MAX_NESTING || !looksLikeJson(scanned)) return scanned;
    // A JSON text remembered clean as text (by `_scan`) and found clean as a tree is remembered too: a tool's JSON
    // result comes back with the history at every step.
    const level = this._level;
    const cleanText = seeds === undefined && this._cleanTexts.has(text, level);
    if (cleanText && this._cleanJson.has(text, level)) return text;
    const result = this._json(scanned, counts) ?? scanned;
    if (cleanText && result === text) this._cleanJson.add(text, level);
    return result;
  }

  private _text(text: string, counts: Record<string, number>, seeds: Seed[] | undefined): string {
    const findings = this._findingsAt(this._findings, this._level);
    if (seeds !== undefined) for (const seed of seeds) findings.add(seed.start, seed.end, seed.kind);
    this._scan(text, findings, this._level);
    if (findings.size === 0) return text;

    const replacement = this._config.replacement;
    let out = "";
    let from = 0;
    for (let i = 0; i < findings.size; i++) {
      // Ranges from one expanded character (NFKC) can touch: never step back.
      const start = Math.max(findings.start(i), from);
      const end = findings.end(i);
      if (end <= start) continue;
      const kind = findings.kind(i);
      out += text.slice(from, start) + replacement.forString(kind, text.slice(start, end));
      increment(counts, kind);
      from = end;
    }
    if (seeds !== undefined) for (const seed of seeds) if (!seed.counted) increment(counts, seed.kind, -1);
    return out + text.slice(from);
  }

  /** A JSON string redacted as a tree: its text again when something was replaced, the same text otherwise. */
  private _json(text: string, counts: Record<string, number>): string | undefined {
    let parsed: JsonSafe;
    try {
      parsed = JSON.parse(text) as JsonSafe;
    } catch {
      return undefined;
    }
    if (parsed === null || typeof parsed !== "object") return undefined;
    const saved = { junctions: this._junctions, leaf: this._leaf, seeds: this._seeds, leafKey: this._leafKey };
    this._level++;
    // The nested tree is a value of its own: no junctions with the strings around it.
    this._junctions = false;
    this._seeds = undefined;
    try {
      const value = this._node(parsed, NO_STATES, 0, counts);
      return value === parsed ? text : JSON.stringify(value);
    } finally {
      this._level--;
      this._junctions = saved.junctions;
      this._leafKey = saved.leafKey;
      this._leaf = saved.leaf;
      this._seeds = saved.seeds;
    }
  }

  /** A string leaf of the walk: numbered, checked at its junction with the previous one, scanned. */
  private _leafString(text: string, counts: Record<string, number>): string {
    const index = this._leaf++;
    if (this._junctions && text !== "") {
      const previous = this._previous.get(this._leafKey);
      if (previous !== undefined) this._junction(previous, text, this._leafIndex.get(this._leafKey)!, index);
      this._previous.set(this._leafKey, text);
      this._leafIndex.set(this._leafKey, index);
    }
    return this._string(text, counts, this._seeds?.get(index));
  }

  /**
   * Scans the end of `previous` joined to the start of `current`; a finding across the join seeds both leaves,
   * unless it only extends what either side holds alone (an address followed by a word is not a split value).
   */
  private _junction(previous: string, current: string, previousIndex: number, index: number): void {
    const tail = previous.slice(-JUNCTION_WINDOW);
    const head = current.slice(0, JUNCTION_WINDOW);
    if (this._cleanJunctions.has(tail, head)) return;
    const findings = this._findingsAt(this._findings, MAX_NESTING + 1);
    let alone: { tail: Findings; head: Findings } | undefined;
    // This junction's own finding ends it; one found at an earlier junction of the walk does not (its second
    // joining would go unscanned: a card split with a space after a key split without one).
    let seeded = false;
    for (const joiner of JOINERS) {
      findings.reset();
      const joined = tail + joiner + head;
      this._scan(joined, findings, MAX_NESTING);
      const headStart = tail.length + joiner.length;
      for (let i = 0; i < findings.size; i++) {
        const start = findings.start(i);
        const end = findings.end(i);
        if (start >= tail.length || end <= headStart) continue;
        if (alone === undefined) {
          alone = { tail: this._findingsAt(this._findings, MAX_NESTING + 2), head: this._findingsAt(this._findings, MAX_NESTING + 3) };
          this._scan(tail, alone.tail, MAX_NESTING);
          this._scan(head, alone.head, MAX_NESTING);
        }
        // The head holds the value by itself: what precedes it in the tail is glue ("pw" + "a@example.com").
        if (covers(alone.head, 0, end - headStart)) continue;
        const kind = findings.kind(i);
        this._seed(previousIndex, { start: previous.length - tail.length + start, end: previous.length, kind, counted: false });
        this._seed(index, { start: 0, end: end - headStart, kind, counted: true });
        // The previous leaf is already written: a second walk applies its part.
        this._tailSeeds = true;
        seeded = true;
      }
      if (seeded) return;
    }
    // Both joinings scanned, nothing across the junction.
    this._cleanJunctions.add(tail, head);
  }

  private _seed(index: number, seed: Seed): void {
    this._seeds ??= new Map();
    const list = this._seeds.get(index);
    if (list === undefined) this._seeds.set(index, [seed]);
    else list.push(seed);
  }

  /** An object key, scanned like a string (no junctions, no JSON): the same key when nothing was found. */
  private _key(key: string, counts: Record<string, number>): string {
    if (key.length < 6) return key;
    const findings = this._findingsAt(this._findings, this._level);
    // The same keys come back in every element of an array and every payload of a run type ("pageContent",
    // "metadata"): a key found clean is remembered by `_scan`, per level, like any short text.
    this._scan(key, findings, this._level);
    if (findings.size === 0) return key;
    return this._text(key, counts, undefined);
  }

  private _whole(value: JsonSafe, kind: string, counts: Record<string, number>): string {
    increment(counts, kind);
    return this._config.replacement.forValue(kind, value);
  }

  private _node(node: JsonSafe, states: readonly number[], depth: number, counts: Record<string, number>): JsonSafe {
    if (typeof node === "string") return this._leafString(node, counts);
    if (typeof node === "number") {
      if (!this._config.scanLongIntegers || !Number.isSafeInteger(node) || Math.abs(node) < MIN_SCANNED_INTEGER) return node;
      const text = String(node);
      const redacted = this._string(text, counts, undefined);
      return redacted === text ? node : redacted;
    }
    if (node === null || typeof node !== "object") return node;
    if (depth >= MAX_TREE_DEPTH) return MAX_DEPTH_MARKER;

    const paths = this._config.paths;
    if (Array.isArray(node)) {
      let out: JsonSafe[] | undefined;
      for (let i = 0; i < node.length; i++) {
        const child = node[i];
        let next: JsonSafe;
        const childStates = paths === undefined || states.length === 0 ? NO_STATES : paths.child(states, undefined, i);
        const rule = childStates.length === 0 ? -1 : paths!.matchedRule(childStates);
        if (rule !== -1) next = this._whole(child, this._config.ruleNames[rule], counts);
        else {
          if (typeof child === "string") this._leafKey = "[]";
          next = this._node(child, childStates, depth + 1, counts);
        }
        if (next !== child) {
          out ??= node.slice();
          out[i] = next;
        }
      }
      return out ?? node;
    }

    const config = this._config;
    let out: JsonObject | undefined;
    for (const key in node) {
      if (!Object.hasOwn(node, key)) continue;
      const child = node[key];
      let next: JsonSafe;
      const childStates = paths === undefined || states.length === 0 ? NO_STATES : paths.child(states, key, -1);
      const rule = childStates.length === 0 ? -1 : paths!.matchedRule(childStates);
      if (rule !== -1) {
        next = this._whole(child, config.ruleNames[rule], counts);
      } else {
        const keyRule = config.keyRuleLengths.has(key.length) ? config.keyRules.get(key.toLowerCase()) : undefined;
        if (keyRule !== undefined) {
          next = this._whole(child, keyRule, counts);
        } else if (config.secretKeys && typeof child === "string" && child !== "" && !isReplacement(child) && isSecretKey(key)) {
          // Counted as a leaf all the same, so leaf numbers do not depend on what is found.
          this._leaf++;
          next = this._whole(child, "secret", counts);
        } else {
          if (typeof child === "string") this._leafKey = key;
          next = this._node(child, childStates, depth + 1, counts);
        }
      }
      const nextKey = this._key(key, counts);
      if (next !== child || nextKey !== key) {
        out ??= copyUntil(node, key);
        setKey(out, uniqueKey(out, nextKey), next);
      } else if (out !== undefined) {
        setKey(out, uniqueKey(out, key), child);
      }
    }
    return out ?? node;
  }
}

/** Whether one finding covers all of [start, end). */
function covers(findings: Findings, start: number, end: number): boolean {
  for (let i = 0; i < findings.size; i++) if (findings.start(i) <= start && findings.end(i) >= end) return true;
  return false;
}

/** Whether a whole string is one replacement already (`[REDACTED:kind]` or a `[kind:hex]` pseudonym). */
function isReplacement(value: string): boolean {
  return value.charCodeAt(0) === 91 && value.charCodeAt(value.length - 1) === 93 && REPLACEMENT_TOKEN.test(value);
}

const REPLACEMENT_TOKEN = /^\[(?:REDACTED:[^\[\]]{1,64}|[^\[\]]{1,64}:[0-9a-f]{12})\]$/;

/** A copy of `source`'s entries before `stop`, in order (the start of a copy that changes from there on). */
function copyUntil(source: JsonObject, stop: string): JsonObject {
  const out: JsonObject = {};
  for (const key in source) {
    if (!Object.hasOwn(source, key)) continue;
    if (key === stop) break;
    setKey(out, key, source[key]);
  }
  return out;
}

/** `key`, or `key#2`, `key#3`, … when a redacted key already took it. */
function uniqueKey(out: JsonObject, key: string): string {
  if (!Object.hasOwn(out, key)) return key;
  for (let n = 2; ; n++) {
    const candidate = `${key}#${n}`;
    if (!Object.hasOwn(out, candidate)) return candidate;
  }
}
