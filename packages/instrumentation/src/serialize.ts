/**
 * Turning LangChain inputs and outputs into span attribute text.
 *
 * This runs on every run callback, on values nobody has vetted: cyclic graphs,
 * proxies, class instances with throwing getters, megabyte prompts, binary
 * buffers. So every function here is total (it never throws) and bounded
 * (depth, node count and byte budgets).
 */

import { Buffer } from "node:buffer";
import { hash } from "node:crypto";
import { types } from "node:util";

/** A JSON-safe tree: what `toJsonSafe` returns. */
export type JsonSafe = null | boolean | number | string | JsonSafe[] | { [key: string]: JsonSafe };

type JsonObject = { [key: string]: JsonSafe };

export interface SerializedPayload {
  /** The (possibly truncated) text to put in an attribute. */
  text: string;
  /** True when `text` was cut to the byte budget. */
  truncated: boolean;
  /** UTF-8 byte length of the full canonical text. */
  originalBytes: number;
  /** Lower-case hex SHA-256 of the full canonical text; set only when truncated. */
  sha256?: string;
}

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_NODES = 100_000;
// Conversion recurses once per nesting level (a few frames each), so a caller's
// maxDepth is capped to keep even a huge setting far from the stack limit.
const MAX_DEPTH_CEILING = 500;
// Bounds the walk up a prototype chain when collecting LangChain `lc_secrets`.
const MAX_PROTOTYPE_HOPS = 32;

const CIRCULAR = "[Circular]";
const MAX_DEPTH = "[MaxDepth]";
const TRUNCATED = "[Truncated]";
const REDACTED = "[Redacted]";

// Fields copied from a LangChain message when present and non-empty, in output order.
const MESSAGE_FIELDS = [
  "name",
  "tool_calls",
  "tool_call_id",
  "invalid_tool_calls",
  "usage_metadata",
  "response_metadata",
  "additional_kwargs",
  "id",
] as const;

// Only the name, message and cause of an Error; its stack is long and rarely useful in an attribute.
const ERROR_FIELDS = ["name", "message", "cause"] as const;

interface Walk {
  readonly maxDepth: number;
  readonly maxNodes: number;
  /** Values converted so far (every value counts, leaves included). */
  nodes: number;
  /** Objects on the path from the root to the value being converted. */
  readonly ancestors: Set<object>;
}

// ES2024 lib (where `toWellFormed` is declared) is newer than this package's ES2023 lib;
// the method itself is in every supported Node (20+).
type WellFormable = { toWellFormed(): string };

/** The string with lone UTF-16 surrogates replaced by U+FFFD, so it encodes to valid UTF-8. */
function wellFormed(text: string): string {
  return (text as unknown as WellFormable).toWellFormed();
}

/** Name of a thrown value for the "[Unreadable: …]" marker. */
function errorName(error: unknown): string {
  try {
    if ((typeof error === "object" && error !== null) || typeof error === "function") {
      const name = (error as { name?: unknown }).name;
      if (typeof name === "string" && name !== "") return wellFormed(name);
    }
  } catch {
    // A thrown value whose `name` throws too: fall back to the generic name.
  }
  return "Error";
}

function unreadable(error: unknown): string {
  return `[Unreadable: ${errorName(error)}]`;
}

/** Property read that reports a throwing getter (or proxy trap) as undefined. */
function readQuietly(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Sets `out[key]`, defining `__proto__` as data so it never replaces the output's prototype. */
function setKey(out: JsonObject, key: string, value: JsonSafe): void {
  if (key === "__proto__") {
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    out[key] = value;
  }
}

function convertNumber(value: number): number | string {
  // JSON has no NaN or infinities; their names keep the information.
  return Number.isFinite(value) ? value : String(value);
}

function describeSymbol(value: symbol): string {
  return wellFormed(`Symbol(${value.description ?? ""})`);
}

function describeFunction(fn: Function): string {
  let name: unknown;
  try {
    name = fn.name;
  } catch {
    // A proxied function or a class with a throwing static `name`: treat as anonymous.
  }
  return typeof name === "string" && name !== "" ? `[Function: ${wellFormed(name)}]` : "[Function: anonymous]";
}

/** The object's constructor name, or `fallback` when there is no usable one. */
function constructorName(obj: object, fallback: string): string {
  const ctor = readQuietly(obj, "constructor");
  if (typeof ctor === "function") {
    const name = readQuietly(ctor, "name");
    if (typeof name === "string" && name !== "") return wellFormed(name);
  }
  return fallback;
}

/** Counts one node and converts it, or returns the truncation marker once the node budget is spent. */
function convert(value: unknown, depth: number, walk: Walk): JsonSafe | undefined {
  if (++walk.nodes > walk.maxNodes) return TRUNCATED;
  return convertValue(value, depth, walk, true);
}

/** Converts `obj[key]` as a child one level below `depth`; a throwing read becomes an "[Unreadable: …]" value. */
function convertChild(obj: object, key: string | number, depth: number, walk: Walk): JsonSafe | undefined {
  // Budget first, so a spent budget does not run one more getter.
  if (++walk.nodes > walk.maxNodes) return TRUNCATED;
  let value: unknown;
  try {
    value = (obj as Record<string | number, unknown>)[key];
  } catch (error) {
    return unreadable(error);
  }
  return convertValue(value, depth + 1, walk, true);
}

/** Converts a value without counting it. `undefined` means "omit" (callers decide: object key dropped, array slot null). */
function convertValue(value: unknown, depth: number, walk: Walk, allowToJSON: boolean): JsonSafe | undefined {
  switch (typeof value) {
    case "string":
      return wellFormed(value);
    case "number":
      return convertNumber(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
      return undefined;
    case "symbol":
      return describeSymbol(value);
    case "function":
      return describeFunction(value);
    default:
      return value === null ? null : convertObject(value as object, depth, walk, allowToJSON);
  }
}

function convertObject(obj: object, depth: number, walk: Walk, allowToJSON: boolean): JsonSafe | undefined {
  if (walk.ancestors.has(obj)) return CIRCULAR;
  try {
    const isArray = Array.isArray(obj);
    const proto = isArray ? undefined : Object.getPrototypeOf(obj);
    // Plain objects cannot be built-ins; skipping the checks keeps the common case cheap.
    const mayBeBuiltin = !isArray && proto !== Object.prototype && proto !== null;
    if (mayBeBuiltin) {
      const leaf = convertBuiltinLeaf(obj);
      if (leaf !== undefined) return leaf;
    }
    // Checked before descending, so nothing past maxDepth recurses at all.
    if (depth >= walk.maxDepth) return MAX_DEPTH;
    walk.ancestors.add(obj);
    try {
      if (isArray) return convertArray(obj as unknown[], depth, walk);
      return convertContainer(obj, mayBeBuiltin, depth, walk, allowToJSON);
    } finally {
      // Only the current path is tracked: a value shared by two branches is not a cycle.
      walk.ancestors.delete(obj);
    }
  } catch (error) {
    // Exotic objects: revoked proxies, throwing ownKeys/getPrototypeOf traps, stack exhaustion.
    return unreadable(error);
  }
}

/** Built-ins rendered without looking inside them; undefined for anything else. */
function convertBuiltinLeaf(obj: object): JsonSafe | undefined {
  // util.types checks internal slots: they work across realms and cannot be spoofed or trapped.
  if (types.isDate(obj)) {
    const time = Date.prototype.getTime.call(obj);
    return Number.isNaN(time) ? "Invalid Date" : Date.prototype.toISOString.call(obj);
  }
  if (types.isRegExp(obj)) return wellFormed(RegExp.prototype.toString.call(obj));
  // Binary data: size only. Payloads can be huge, and bytes are useless as attribute text.
  if (ArrayBuffer.isView(obj)) {
    return { type: constructorName(obj, Object.prototype.toString.call(obj).slice(8, -1)), bytes: obj.byteLength };
  }
  if (types.isAnyArrayBuffer(obj)) {
    const fallback = types.isSharedArrayBuffer(obj) ? "SharedArrayBuffer" : "ArrayBuffer";
    return { type: constructorName(obj, fallback), bytes: obj.byteLength };
  }
  if (types.isWeakMap(obj)) return "[WeakMap]";
  if (types.isWeakSet(obj)) return "[WeakSet]";
  if (types.isPromise(obj)) return "[Promise]";
  // new String("x") and friends: their value, as JSON.stringify does.
  if (types.isBoxedPrimitive(obj)) {
    if (types.isStringObject(obj)) return wellFormed(String.prototype.valueOf.call(obj));
    if (types.isNumberObject(obj)) return convertNumber(Number.prototype.valueOf.call(obj));
    if (types.isBooleanObject(obj)) return Boolean.prototype.valueOf.call(obj);
    if (types.isBigIntObject(obj)) return BigInt.prototype.valueOf.call(obj).toString();
    if (types.isSymbolObject(obj)) return describeSymbol(Symbol.prototype.valueOf.call(obj));
  }
  return undefined;
}

/** Objects that are walked into; `obj` is already on the ancestor path and within maxDepth. */
function convertContainer(
  obj: object,
  mayBeBuiltin: boolean,
  depth: number,
  walk: Walk,
  allowToJSON: boolean,
): JsonSafe | undefined {
  if (mayBeBuiltin) {
    if (types.isMap(obj)) return convertMap(obj as Map<unknown, unknown>, depth, walk);
    if (types.isSet(obj)) return convertSet(obj as Set<unknown>, depth, walk);
    if (types.isNativeError(obj) || obj instanceof Error) return convertFields(obj, ERROR_FIELDS, depth, walk);
  }

  // LangChain shapes come before toJSON: their toJSON gives the verbose lc constructor format.
  const langChain = convertLangChain(obj, depth, walk);
  if (langChain !== undefined) return langChain;

  if (allowToJSON) {
    const toJSON = readQuietly(obj, "toJSON");
    if (typeof toJSON === "function") {
      let result: unknown;
      let called = false;
      try {
        result = toJSON.call(obj);
        called = true;
      } catch {
        // A failing toJSON should not hide the data: fall through to the own fields.
      }
      // The result is converted with toJSON disabled, so a toJSON returning another
      // toJSON-bearing object (or `this`) cannot loop.
      if (called && result !== obj) return convertValue(result, depth, walk, false);
    }
  }

  const out: JsonObject = {};
  copyOwnFields(out, obj, depth, walk);
  return out;
}

/** Copies converted own enumerable string-keyed fields of `source` into `out`. */
function copyOwnFields(out: JsonObject, source: object, depth: number, walk: Walk): void {
  // Object.keys: own, enumerable, string keys only (symbol keys are skipped by design).
  const keys = Object.keys(source);
  for (const key of keys) {
    const value = convertChild(source, key, depth, walk);
    if (value !== undefined) setKey(out, wellFormed(key), value);
    // Once the node budget is spent the walk stops: the "[Truncated]" just written is the last entry.
    if (walk.nodes > walk.maxNodes) break;
  }
}

function convertArray(arr: unknown[], depth: number, walk: Walk): JsonSafe[] {
  const out: JsonSafe[] = [];
  const length = arr.length;
  for (let i = 0; i < length; i++) {
    const value = convertChild(arr, i, depth, walk);
    out.push(value === undefined ? null : value);
    if (walk.nodes > walk.maxNodes) break;
  }
  return out;
}

function convertMap(map: Map<unknown, unknown>, depth: number, walk: Walk): JsonSafe {
  // Intrinsic iterators: a subclass overriding entries()/keys() cannot change what is read.
  // Only keys within the node budget can reach the output, so only they decide the shape.
  let stringKeys = true;
  let scanned = 0;
  for (const key of Map.prototype.keys.call(map)) {
    if (typeof key !== "string") {
      stringKeys = false;
      break;
    }
    if (++scanned > walk.maxNodes - walk.nodes) break;
  }
  if (stringKeys) {
    const out: JsonObject = {};
    for (const [key, value] of Map.prototype.entries.call(map)) {
      const converted = convert(value, depth + 1, walk);
      if (converted !== undefined) setKey(out, wellFormed(key as string), converted);
      if (walk.nodes > walk.maxNodes) break;
    }
    return out;
  }
  // Non-string keys cannot be object keys without losing them: [key, value] pairs instead.
  const out: JsonSafe[] = [];
  for (const [key, value] of Map.prototype.entries.call(map)) {
    // The pair is a node and a level of its own, like any array.
    if (++walk.nodes > walk.maxNodes) {
      out.push(TRUNCATED);
      break;
    }
    if (depth + 1 >= walk.maxDepth) {
      out.push(MAX_DEPTH);
    } else {
      const k = convert(key, depth + 2, walk);
      const v = convert(value, depth + 2, walk);
      out.push([k === undefined ? null : k, v === undefined ? null : v]);
    }
    if (walk.nodes > walk.maxNodes) break;
  }
  return out;
}

function convertSet(set: Set<unknown>, depth: number, walk: Walk): JsonSafe[] {
  const out: JsonSafe[] = [];
  for (const value of Set.prototype.values.call(set)) {
    const converted = convert(value, depth + 1, walk);
    out.push(converted === undefined ? null : converted);
    if (walk.nodes > walk.maxNodes) break;
  }
  return out;
}

/** An object of the listed fields of `obj`; fields that convert to undefined are left out. */
function convertFields(obj: object, fields: readonly string[], depth: number, walk: Walk): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    const value = convertChild(obj, field, depth, walk);
    if (value !== undefined) out[field] = value;
    if (walk.nodes > walk.maxNodes) break;
  }
  return out;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

/** Empty values are dropped from messages: they are most of a message's fields and say nothing. */
function isEmpty(value: JsonSafe | undefined): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

/** The message type from getType()/_getType(), or undefined when neither gives a string. */
function messageRole(obj: object): string | undefined {
  for (const method of ["getType", "_getType"]) {
    const fn = readQuietly(obj, method);
    if (typeof fn !== "function") continue;
    try {
      const role: unknown = fn.call(obj);
      if (typeof role === "string") return wellFormed(role);
    } catch {
      // Try the other accessor; with neither, the object is not treated as a message.
    }
  }
  return undefined;
}

/**
 * LangChain messages, documents and serializables, recognised by shape: several copies
 * of @langchain/core can be loaded at once, so instanceof would miss some of them.
 */
function convertLangChain(obj: object, depth: number, walk: Walk): JsonObject | undefined {
  if (readQuietly(obj, "content") !== undefined) {
    const role = messageRole(obj);
    if (role !== undefined) {
      const out: JsonObject = { role };
      const content = convertChild(obj, "content", depth, walk);
      out.content = content === undefined ? null : content;
      for (const field of MESSAGE_FIELDS) {
        if (walk.nodes > walk.maxNodes) break;
        const value = convertChild(obj, field, depth, walk);
        if (!isEmpty(value)) out[field] = value as JsonSafe;
      }
      return out;
    }
  }

  if (typeof readQuietly(obj, "pageContent") === "string" && isObject(readQuietly(obj, "metadata"))) {
    const out = convertFields(obj, ["pageContent", "metadata"], depth, walk);
    const id = readQuietly(obj, "id");
    if (id !== undefined && id !== null && walk.nodes <= walk.maxNodes) {
      const converted = convertChild(obj, "id", depth, walk);
      if (converted !== undefined) out.id = converted;
    }
    return out;
  }

  if (readQuietly(obj, "lc_serializable") === true) {
    const kwargs = readQuietly(obj, "lc_kwargs");
    if (isObject(kwargs) && !Array.isArray(kwargs)) {
      const out: JsonObject = { type: constructorName(obj, "Object") };
      if (walk.ancestors.has(kwargs)) return out;
      walk.ancestors.add(kwargs);
      try {
        copyOwnFields(out, kwargs, depth, walk);
      } finally {
        walk.ancestors.delete(kwargs);
      }
      redactSecrets(out, obj);
      return out;
    }
  }
  return undefined;
}

/**
 * Replaces the values at the object's `lc_secrets` paths (API keys passed as constructor
 * arguments) with "[Redacted]", as LangChain's own toJSON does: spans must not carry credentials.
 */
function redactSecrets(out: JsonObject, obj: object): void {
  try {
    // lc_secrets getters are per class and not merged by super calls: read each level, as LangChain does.
    let proto: object | null = Object.getPrototypeOf(obj);
    for (let hops = 0; proto !== null && hops < MAX_PROTOTYPE_HOPS; hops++) {
      const secrets: unknown = Reflect.get(proto, "lc_secrets", obj);
      if (typeof secrets === "object" && secrets !== null) {
        for (const path of Object.keys(secrets)) redactPath(out, path.split("."));
      }
      proto = Object.getPrototypeOf(proto);
    }
  } catch {
    // Whatever was redacted before the failure stays redacted.
  }
}

function redactPath(out: JsonObject, parts: string[]): void {
  let current: JsonSafe = out;
  for (let i = 0; i < parts.length - 1; i++) {
    if (typeof current !== "object" || current === null || !Object.hasOwn(current, parts[i])) return;
    current = (current as JsonObject)[parts[i]];
  }
  const last = parts[parts.length - 1];
  if (typeof current === "object" && current !== null && Object.hasOwn(current, last)) {
    (current as JsonObject)[last] = REDACTED;
  }
}

/** A non-negative integer option, or the default when the option is missing or not a number. */
function limitOption(value: unknown, fallback: number, ceiling: number): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) return fallback;
  return Math.min(Math.floor(value), ceiling);
}

/**
 * Converts any value to a JSON-safe tree. Total: never throws.
 *
 * | Input                                   | Output                                                              |
 * | --------------------------------------- | ------------------------------------------------------------------- |
 * | string                                  | as is, lone UTF-16 surrogates replaced with U+FFFD                  |
 * | finite number, boolean, null            | as is                                                               |
 * | NaN, Infinity, -Infinity                | `"NaN"`, `"Infinity"`, `"-Infinity"`                                |
 * | bigint                                  | decimal string                                                      |
 * | undefined                               | key omitted in objects; `null` in arrays and at top level           |
 * | symbol                                  | `"Symbol(description)"`                                             |
 * | function                                | `"[Function: name]"` or `"[Function: anonymous]"`                   |
 * | boxed primitive (`new String("x")`)     | its primitive value, converted                                      |
 * | Date                                    | ISO string; `"Invalid Date"` when invalid                           |
 * | RegExp                                  | `String(re)`, e.g. `"/a+/gi"`                                       |
 * | Error                                   | `{ name, message, cause? }` (no stack)                              |
 * | TypedArray, Buffer, DataView, ArrayBuffer | `{ type: <constructor name>, bytes: <byteLength> }` (no content)  |
 * | Map                                     | object when every key is a string, else `[[key, value], …]`          |
 * | Set                                     | array                                                               |
 * | WeakMap, WeakSet, Promise               | `"[WeakMap]"`, `"[WeakSet]"`, `"[Promise]"`                          |
 * | LangChain message (`getType`/`_getType` + `content`) | `{ role, content, …non-empty name, tool_calls, tool_call_id, invalid_tool_calls, usage_metadata, response_metadata, additional_kwargs, id }` |
 * | LangChain document (string `pageContent` + object `metadata`) | `{ pageContent, metadata, id? }`                    |
 * | LangChain serializable (`lc_serializable === true` + `lc_kwargs`) | `{ type: <constructor name>, ...lc_kwargs }`, `lc_secrets` paths `"[Redacted]"` |
 * | object with a `toJSON` function         | its result, converted (toJSON not called again on that result); own fields if it throws |
 * | other objects, class instances          | own enumerable string keys (`__proto__` kept as data); a throwing getter gives `"[Unreadable: <error name>]"` |
 * | object whose keys cannot be read (proxy traps) | `"[Unreadable: <error name>]"`                               |
 * | object already on the path from the root | `"[Circular]"` (shared, non-cyclic values are converted each time) |
 * | object nested deeper than `maxDepth` (default 64, at most 500) | `"[MaxDepth]"`                              |
 * | values past `maxNodes` (default 100 000; every value counts) | `"[Truncated]"`; the walk stops at the first one |
 */
export function toJsonSafe(value: unknown, options?: { maxDepth?: number; maxNodes?: number }): JsonSafe {
  try {
    const walk: Walk = {
      maxDepth: limitOption(options?.maxDepth, DEFAULT_MAX_DEPTH, MAX_DEPTH_CEILING),
      maxNodes: limitOption(options?.maxNodes, DEFAULT_MAX_NODES, Number.POSITIVE_INFINITY),
      nodes: 0,
      ancestors: new Set(),
    };
    const out = convert(value, 0, walk);
    return out === undefined ? null : out;
  } catch (error) {
    // Unreachable by design (every read is guarded); kept so the function stays total.
    return unreadable(error);
  }
}

function unserializable(): SerializedPayload {
  return { text: "[Unserializable]", truncated: false, originalBytes: 0 };
}

function byteBudget(maxBytes: unknown): number {
  // Anything not a number of at least 1 byte (0, negatives, NaN) leaves room for the marker only.
  return typeof maxBytes === "number" && maxBytes >= 1 ? Math.floor(maxBytes) : 1;
}

/** Number of UTF-16 code units of the longest prefix of `text` fitting `budget` UTF-8 bytes, never splitting a pair. */
function prefixLength(text: string, budget: number): number {
  // Every step adds at least one byte, so this reads at most `budget` code units of a text of any size.
  let bytes = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const unit = text.charCodeAt(i);
    let size = 3;
    let units = 1;
    if (unit < 0x80) {
      size = 1;
    } else if (unit < 0x800) {
      size = 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        size = 4;
        units = 2;
      }
    }
    // Lone surrogates count 3 bytes: they encode as U+FFFD, as in Buffer.byteLength.
    if (bytes + size > budget) break;
    bytes += size;
    i += units;
  }
  return i;
}

/** Fits well-formed `text` into `maxBytes` (a positive integer or Infinity). */
function fitText(text: string, maxBytes: number): SerializedPayload {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes, so short texts fit without a byte count
  // deciding it; the count is still taken for originalBytes, but only over this short text.
  if (text.length * 3 <= maxBytes) return { text, truncated: false, originalBytes: Buffer.byteLength(text, "utf8") };
  const originalBytes = Buffer.byteLength(text, "utf8");
  if (originalBytes <= maxBytes) return { text, truncated: false, originalBytes };

  const sha256 = hash("sha256", text, "hex");
  const marker = `\u2026[truncated: ${originalBytes} bytes, sha256:${sha256}]`;
  // The marker is ASCII apart from "…", one code unit that is 3 UTF-8 bytes.
  const markerBytes = marker.length + 2;
  if (markerBytes > maxBytes) return { text: marker, truncated: true, originalBytes, sha256 };

  const end = prefixLength(text, maxBytes - markerBytes);
  // Re-encoding copies the prefix: a plain slice could keep the whole (possibly huge)
  // original string alive for as long as the attribute lives.
  const prefix = Buffer.from(text.slice(0, end), "utf8").toString("utf8");
  return { text: prefix + marker, truncated: true, originalBytes, sha256 };
}

/**
 * Serializes a value to canonical JSON text within a UTF-8 byte budget.
 *
 * The canonical text is `JSON.stringify(toJsonSafe(value))`, except that a string value is
 * used as is (not quoted), since prompts are usually strings. When it is longer than
 * `maxBytes` it is cut as {@link truncateText} does. `maxBytes` below 1 (or NaN) counts as 1.
 * `transform` (redaction) rewrites the JSON-safe value before it is written and cut.
 * Never throws: should anything fail anyway, the text is "[Unserializable]".
 */
export function serializePayload(
  value: unknown,
  maxBytes: number,
  transform?: (safe: JsonSafe) => JsonSafe,
): SerializedPayload {
  try {
    const isText = typeof value === "string";
    let safe: JsonSafe = isText ? wellFormed(value) : toJsonSafe(value);
    // The transform (redaction) sees the whole value before any cut, so the digest is of what was kept.
    if (transform !== undefined) safe = transform(safe);
    const text = isText && typeof safe === "string" ? safe : JSON.stringify(safe);
    return fitText(text, byteBudget(maxBytes));
  } catch {
    // E.g. a tree whose JSON text exceeds the engine's maximum string length.
    return unserializable();
  }
}

/**
 * Cuts a string to at most maxBytes UTF-8 bytes, at a character boundary, with the truncation marker.
 *
 * A text that fits is returned as is (lone surrogates replaced with U+FFFD). Otherwise the
 * longest prefix that fits together with the marker `…[truncated: <originalBytes> bytes,
 * sha256:<hex>]` is kept; when even the marker does not fit, the text is the marker alone
 * (and so longer than maxBytes). `maxBytes` below 1 (or NaN) counts as 1. Never throws.
 */
export function truncateText(text: string, maxBytes: number): SerializedPayload {
  try {
    return fitText(wellFormed(typeof text === "string" ? text : String(text)), byteBudget(maxBytes));
  } catch {
    return unserializable();
  }
}
