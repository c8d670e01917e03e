/**
 * Redaction of serialized payloads, in-process, before any span or record holds them.
 *
 * Strings are scanned by the user patterns, then the built-in detectors in priority order; a
 * character claimed by one finding cannot be claimed by a later one. Trees (the output of
 * `toJsonSafe`) are walked once, copy-on-write: path rules, then key rules, then secret-named keys
 * replace whole values; every other string is scanned.
 */

import type { JsonSafe } from "../json-safe.js";
import { resolveRedactionOptions, type ResolvedRedaction } from "./config.js";
import { Findings } from "./findings.js";
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

/** Sets `out[key]`, defining `__proto__` as data so it never replaces the output's prototype. */
function setKey(out: JsonObject, key: string, value: JsonSafe): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

function copyObject(source: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const key in source) if (Object.hasOwn(source, key)) setKey(out, key, source[key]);
  return out;
}

function increment(counts: Record<string, number>, kind: string): void {
  counts[kind] = (counts[kind] ?? 0) + 1;
}

/**
 * Replaces secrets and personal data in payload strings and `toJsonSafe` trees.
 *
 * Built-in detectors (see {@link RedactionOptions.detectors}): API keys (`sk-…`, `sk-ant-…`, Slack
 * `xox?-…`), AWS access key ids and secret keys, GitHub tokens, JWTs, `Bearer` tokens, generic secrets
 * (HTTP Basic credentials; a random-looking value of 20+ characters with Shannon entropy of at least
 * 3.0 bits per character after a name ending in key/secret/token/password/passwd/credential; the whole
 * string value of an object key named like a secret), email addresses, phone numbers, Luhn-valid card
 * numbers, mod-97-valid IBANs and US SSNs.
 *
 * In a tree:
 * - object keys are kept as they are and are not scanned (a key that is itself an email address stays);
 * - a value matched by a rule's `paths` or `keys`, or a non-empty string under a secret-named key, is
 *   replaced whole; other strings are scanned;
 * - numbers, booleans and null are kept, except integers of 13 or more digits, which are scanned as
 *   their decimal text (a card number stored as a number) and become a string when something is found;
 * - a subtree nested deeper than 500 levels (which `toJsonSafe` never produces) becomes `"[MaxDepth]"`.
 *
 * The methods never throw and never mutate their input. When nothing is found the input itself is
 * returned (no copy); otherwise only the containers on the way to a replacement are copied.
 * Should redaction fail unexpectedly, the value is `"[Unredactable]"`: nothing leaves unredacted.
 */
export class Redactor {
  private readonly _config: ResolvedRedaction;
  // Reused by every string scan: a scan that finds nothing allocates nothing.
  private readonly _findings = new Findings();

  /**
   * Validates and compiles the options once. Throws a `ConfigurationError` naming the option for an
   * unknown detector, a rule without a name or anything to match, an invalid or empty-matching
   * pattern, an unsupported path, an unknown replacement, or a missing or short HMAC key.
   * @param env where `LANGCHAIN_OTEL_REDACTION_KEY` is read (default: `process.env`)
   */
  constructor(options: RedactionOptions = {}, env: Env = process.env) {
    this._config = resolveRedactionOptions(options, env);
  }

  /** Redacts one string with the user patterns and the built-in detectors (key and path rules need a tree). */
  redactString(text: string): RedactionResult<string> {
    const counts: Record<string, number> = {};
    try {
      return { value: this._string(text, counts), counts };
    } catch {
      return { value: UNREDACTABLE, counts: {} };
    }
  }

  /** Redacts a JSON-safe tree (the output of `toJsonSafe`); the same tree when nothing was found. */
  redactTree(tree: JsonSafe): RedactionResult<JsonSafe> {
    const counts: Record<string, number> = {};
    try {
      const paths = this._config.paths;
      if (paths === undefined) return { value: this._node(tree, NO_STATES, 0, counts), counts };
      const rule = paths.matchedRule(paths.initial);
      if (rule !== -1) return { value: this._whole(tree, this._config.ruleNames[rule], counts), counts };
      return { value: this._node(tree, paths.initial, 0, counts), counts };
    } catch {
      return { value: UNREDACTABLE, counts: {} };
    }
  }

  /** Adds `counts` into `into`, kind by kind (for a span that sums several payloads). */
  static addCounts(into: Record<string, number>, counts: Record<string, number>): void {
    for (const kind in counts) {
      if (Object.hasOwn(counts, kind)) into[kind] = (into[kind] ?? 0) + counts[kind];
    }
  }

  private _string(text: string, counts: Record<string, number>): string {
    const config = this._config;
    const findings = this._findings;
    findings.reset();
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
    const textLength = text.length;
    // Looked up once, and only when a detector that needs a digit gets that far.
    let hasDigit: boolean | undefined;
    for (const detector of config.detectors) {
      if (textLength < detector.minLength) continue;
      if (detector.needsDigit && !(hasDigit ??= DIGIT.test(text))) continue;
      detector.scan(text, findings);
    }
    if (findings.size === 0) return text;

    let out = "";
    let from = 0;
    for (let i = 0; i < findings.size; i++) {
      const start = findings.start(i);
      const end = findings.end(i);
      const kind = findings.kind(i);
      out += text.slice(from, start) + config.replacement.forString(kind, text.slice(start, end));
      increment(counts, kind);
      from = end;
    }
    return out + text.slice(from);
  }

  private _whole(value: JsonSafe, kind: string, counts: Record<string, number>): string {
    increment(counts, kind);
    return this._config.replacement.forValue(kind, value);
  }

  private _node(node: JsonSafe, states: readonly number[], depth: number, counts: Record<string, number>): JsonSafe {
    if (typeof node === "string") return this._string(node, counts);
    if (typeof node === "number") {
      if (!this._config.scanLongIntegers || !Number.isSafeInteger(node) || Math.abs(node) < MIN_SCANNED_INTEGER) return node;
      const text = String(node);
      const redacted = this._string(text, counts);
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
        else next = this._node(child, childStates, depth + 1, counts);
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
        } else if (config.secretKeys && typeof child === "string" && child !== "" && isSecretKey(key)) {
          next = this._whole(child, "secret", counts);
        } else {
          next = this._node(child, childStates, depth + 1, counts);
        }
      }
      if (next !== child) {
        out ??= copyObject(node);
        setKey(out, key, next);
      }
    }
    return out ?? node;
  }
}
