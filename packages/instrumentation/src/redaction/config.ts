// SPDX-License-Identifier: Apache-2.0
/**
 * Reading {@link RedactionOptions}: validated once, compiled once (regexes, paths, key tables, HMAC
 * key), so redaction itself never parses or throws on configuration.
 */

import { Buffer } from "node:buffer";
import { createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { types } from "node:util";
import { ConfigurationError } from "../configuration-error.js";
import { BUILT_IN_KINDS, DETECTORS, type BuiltInKind, type Detector } from "./detectors.js";
import { parseJsonPath, PathMatcher, type PathSegment } from "./json-path.js";
import { Replacement } from "./replacement.js";
import type { RedactionOptions, RedactionRule } from "./types.js";

/** Environment variable holding the HMAC key when the `hmacKey` option is not set. */
export const REDACTION_KEY_ENV = "LANGCHAIN_OTEL_REDACTION_KEY";

/** Shortest accepted HMAC key, in bytes. */
export const MIN_HMAC_KEY_BYTES = 16;

const REPLACEMENTS = ["marker", "hmac"] as const;

export interface PatternRule {
  readonly name: string;
  /** Global, compiled from the user's pattern. */
  readonly regex: RegExp;
}

/** Options compiled for the redactor. */
export interface ResolvedRedaction {
  /** Enabled built-in detectors, in priority order. */
  readonly detectors: readonly Detector[];
  /** Whether values under secret-named keys are replaced whole ("secret" enabled). */
  readonly secretKeys: boolean;
  /** Whether 13+ digit integers are scanned as text (card numbers, or any user pattern). */
  readonly scanLongIntegers: boolean;
  readonly patternRules: readonly PatternRule[];
  /** Lower-cased key name → rule name, first rule first. */
  readonly keyRules: ReadonlyMap<string, string>;
  /** Lengths of the key names in {@link keyRules}: a cheap gate before lower-casing a key. */
  readonly keyRuleLengths: ReadonlySet<number>;
  readonly paths: PathMatcher | undefined;
  /** Rule names by rule number (the numbers the path matcher reports). */
  readonly ruleNames: readonly string[];
  readonly replacement: Replacement;
  /** Key of pseudonyms and payload digests (the deployment's, else a random per-process one). */
  readonly hmacKey: KeyObject;
}

type Env = Readonly<Record<string, string | undefined>>;

const quote = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value);
  if (types.isRegExp(value)) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};

const SUPPORTED_PATHS = "$, .key, ['key'], [n], [*], .*, ..key, ..*";

function resolveDetectors(value: RedactionOptions["detectors"]): Detector[] {
  if (value === undefined || value === "all") return [...DETECTORS];
  if (value === "none") return [];
  if (!Array.isArray(value)) {
    throw new ConfigurationError(`option detectors=${quote(value)} is not "all", "none" or an array of detector kinds`);
  }
  const enabled = new Set<BuiltInKind>();
  value.forEach((kind, i) => {
    if (!BUILT_IN_KINDS.includes(kind as BuiltInKind)) {
      throw new ConfigurationError(`option detectors[${i}]=${quote(kind)} is not one of: ${BUILT_IN_KINDS.join(", ")}`);
    }
    enabled.add(kind as BuiltInKind);
  });
  return DETECTORS.filter((detector) => enabled.has(detector.kind));
}

function compilePattern(pattern: unknown, source: string): RegExp {
  let regex: RegExp;
  try {
    if (typeof pattern === "string") {
      regex = new RegExp(pattern, "g");
    } else if (types.isRegExp(pattern)) {
      const re = pattern as RegExp;
      // g to scan all matches; y (sticky) would stop at the first gap; d (indices) only costs allocations.
      regex = new RegExp(re.source, `${re.flags.replace(/[gyd]/g, "")}g`);
    } else {
      throw new ConfigurationError(`${source}=${quote(pattern)} is not a string or a RegExp`);
    }
  } catch (error) {
    if (error instanceof ConfigurationError) throw error;
    throw new ConfigurationError(`${source}=${quote(pattern)} is not a valid regular expression`, { cause: error });
  }
  regex.lastIndex = 0;
  const matchesEmpty = regex.test("");
  regex.lastIndex = 0;
  if (matchesEmpty) throw new ConfigurationError(`${source}=${quote(pattern)} matches the empty string`);
  return regex;
}

/** {@link resolveHmacKey}, except that a bad key falls back to the process key (marker replacement ignores it). */
function tryHmacKey(option: unknown, env: Env): KeyObject {
  try {
    return resolveHmacKey(option, env);
  } catch {
    return processHmacKey();
  }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string" && item !== "");
}

/**
 * The deployment's HMAC key from the `hmacKey` option or `LANGCHAIN_OTEL_REDACTION_KEY`, else undefined. A key
 * given but shorter than {@link MIN_HMAC_KEY_BYTES} is a configuration error (the key is never quoted).
 */
export function configuredHmacKey(option: unknown, env: Env): KeyObject | undefined {
  let key: Buffer;
  let source: string;
  if (option !== undefined) {
    source = "option hmacKey";
    if (typeof option === "string") key = Buffer.from(option, "utf8");
    else if (types.isUint8Array(option)) key = Buffer.from(option as Uint8Array);
    else throw new ConfigurationError(`option hmacKey is not a string or a Buffer`);
  } else {
    source = REDACTION_KEY_ENV;
    const fromEnv = env[REDACTION_KEY_ENV];
    if (fromEnv === undefined || fromEnv === "") return undefined;
    key = Buffer.from(fromEnv, "utf8");
  }
  if (key.length < MIN_HMAC_KEY_BYTES) {
    throw new ConfigurationError(`${source} is ${key.length} bytes; at least ${MIN_HMAC_KEY_BYTES} are required`);
  }
  return createSecretKey(key);
}

let processKey: KeyObject | undefined;

/**
 * A random 32-byte key drawn once per process: the HMAC key of pseudonyms and payload digests when the
 * deployment sets none. Its digests join records within one process only, and nobody can recompute them.
 */
export function processHmacKey(): KeyObject {
  processKey ??= createSecretKey(randomBytes(32));
  return processKey;
}

/** The key of pseudonyms and payload digests: the deployment's, else this process's random one. */
export function resolveHmacKey(option: unknown, env: Env): KeyObject {
  return configuredHmacKey(option, env) ?? processHmacKey();
}

function resolveReplacement(options: RedactionOptions, key: KeyObject): Replacement {
  const mode = options.replacement ?? "marker";
  if (!REPLACEMENTS.includes(mode)) {
    throw new ConfigurationError(`option replacement=${quote(mode)} is not one of: ${REPLACEMENTS.join(", ")}`);
  }
  return new Replacement(mode === "hmac" ? key : undefined);
}

/**
 * Validates and compiles redaction options. Throws {@link ConfigurationError} naming the option for a
 * bad value: an unknown detector, a rule without a name or without anything to match, an invalid or
 * empty-matching pattern, an unsupported path, an unknown replacement, a missing or short HMAC key.
 */
export function resolveRedactionOptions(options: RedactionOptions = {}, env: Env = process.env): ResolvedRedaction {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError(`redaction options=${quote(options)} is not an object`);
  }
  const detectors = resolveDetectors(options.detectors);
  // With marker replacement a key is only needed for digests, so a short one is not worth failing startup over.
  const hmacKey =
    options.replacement === "hmac" ? resolveHmacKey(options.hmacKey, env) : tryHmacKey(options.hmacKey, env);
  const replacement = resolveReplacement(options, hmacKey);

  const rules: unknown = options.rules ?? [];
  if (!Array.isArray(rules)) throw new ConfigurationError(`option rules=${quote(rules)} is not an array`);
  const patternRules: PatternRule[] = [];
  const keyRules = new Map<string, string>();
  const keyRuleLengths = new Set<number>();
  const parsedPaths: PathSegment[][] = [];
  const pathRules: number[] = [];
  const ruleNames: string[] = [];
  rules.forEach((rule: RedactionRule, r) => {
    const at = `option rules[${r}]`;
    if (typeof rule !== "object" || rule === null) throw new ConfigurationError(`${at}=${quote(rule)} is not an object`);
    const { name, pattern, keys, paths } = rule;
    if (typeof name !== "string" || name === "") {
      throw new ConfigurationError(`${at}.name=${quote(name)} is not a non-empty string`);
    }
    if (pattern === undefined && keys === undefined && paths === undefined) {
      throw new ConfigurationError(`${at} (${quote(name)}) has none of: pattern, keys, paths`);
    }
    ruleNames.push(name);
    if (pattern !== undefined) patternRules.push({ name, regex: compilePattern(pattern, `${at}.pattern`) });
    if (keys !== undefined) {
      if (!isStringArray(keys)) throw new ConfigurationError(`${at}.keys=${quote(keys)} is not an array of non-empty strings`);
      for (const key of keys) {
        const lower = key.toLowerCase();
        if (!keyRules.has(lower)) keyRules.set(lower, name);
        // A few characters change length with case ("İ"): gate on every spelling's length.
        keyRuleLengths.add(key.length).add(lower.length).add(key.toUpperCase().length);
      }
    }
    if (paths !== undefined) {
      if (!isStringArray(paths)) throw new ConfigurationError(`${at}.paths=${quote(paths)} is not an array of non-empty strings`);
      paths.forEach((path, p) => {
        const segments = parseJsonPath(path);
        if (segments === undefined) {
          throw new ConfigurationError(`${at}.paths[${p}]=${quote(path)} is not a supported JSON path (${SUPPORTED_PATHS})`);
        }
        parsedPaths.push(segments);
        pathRules.push(r);
      });
    }
  });

  return {
    detectors,
    secretKeys: detectors.some((detector) => detector.kind === "secret"),
    scanLongIntegers: patternRules.length > 0 || detectors.some((detector) => detector.kind === "card_number"),
    patternRules,
    keyRules,
    keyRuleLengths,
    paths: parsedPaths.length > 0 ? new PathMatcher(parsedPaths, pathRules) : undefined,
    ruleNames,
    replacement,
    hmacKey,
  };
}
