// SPDX-License-Identifier: Apache-2.0
/**
 * The generic, total walk from any JavaScript value to a JSON-safe tree.
 *
 * It runs on values nobody has vetted: cyclic graphs, proxies, class instances with throwing getters, binary
 * buffers. So it never throws and is bounded (depth and node count). Library-specific shapes (LangChain messages,
 * documents, serializables) plug in through a {@link ShapeHook}; `toJsonSafe` in serialize.ts is this walk with
 * the LangChain shapes.
 */

import { types } from "node:util";

/** A JSON-safe tree: what `toJsonSafe` returns. */
export type JsonSafe = null | boolean | number | string | JsonSafe[] | { [key: string]: JsonSafe };

export type JsonObject = { [key: string]: JsonSafe };

/** Limits of one walk. */
export interface JsonSafeOptions {
  /** Nesting depth past which objects become `"[MaxDepth]"`. @default 64 (at most 500) */
  maxDepth?: number;
  /** Values converted before the walk stops with `"[Truncated]"`. @default 100000 */
  maxNodes?: number;
}

/**
 * Converts objects of a known library shape (before `toJSON` and own fields are tried); undefined for anything
 * else. It converts children with {@link convertChild}, {@link copyOwnFields} and {@link convertFields}.
 */
export type ShapeHook = (obj: object, depth: number, walk: Walk) => JsonObject | undefined;

const DEFAULT_MAX_DEPTH = 64;
const DEFAULT_MAX_NODES = 100_000;
// Conversion recurses once per nesting level (a few frames each), so a caller's
// maxDepth is capped to keep even a huge setting far from the stack limit.
const MAX_DEPTH_CEILING = 500;

const CIRCULAR = "[Circular]";
const MAX_DEPTH = "[MaxDepth]";
const TRUNCATED = "[Truncated]";

// Only the name, message and cause of an Error; its stack is long and rarely useful in an attribute.
const ERROR_FIELDS = ["name", "message", "cause"] as const;

/** The state of one walk, handed to a {@link ShapeHook}. */
export interface Walk {
  readonly maxDepth: number;
  readonly maxNodes: number;
  /** Values converted so far (every value counts, leaves included). */
  nodes: number;
  /** Objects on the path from the root to the value being converted. */
  readonly ancestors: Set<object>;
  readonly shapes: ShapeHook;
}

type WellFormable = { toWellFormed(): string };

/** The string with lone UTF-16 surrogates replaced by U+FFFD, so it encodes to valid UTF-8. */
export function wellFormed(text: string): string {
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
export function readQuietly(obj: object, key: string): unknown {
  try {
    return (obj as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** Sets `out[key]`, defining `__proto__` as data so it never replaces the output's prototype. */
export function setKey(out: JsonObject, key: string, value: JsonSafe): void {
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
export function constructorName(obj: object, fallback: string): string {
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
export function convertChild(obj: object, key: string | number, depth: number, walk: Walk): JsonSafe | undefined {
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

  // Shapes (LangChain's) come before toJSON: their toJSON gives the verbose lc constructor format.
  const shaped = walk.shapes(obj, depth, walk);
  if (shaped !== undefined) return shaped;

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
export function copyOwnFields(out: JsonObject, source: object, depth: number, walk: Walk): void {
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
export function convertFields(obj: object, fields: readonly string[], depth: number, walk: Walk): JsonObject {
  const out: JsonObject = {};
  for (const field of fields) {
    const value = convertChild(obj, field, depth, walk);
    if (value !== undefined) out[field] = value;
    if (walk.nodes > walk.maxNodes) break;
  }
  return out;
}

/** A non-negative integer option, or the default when the option is missing or not a number. */
function limitOption(value: unknown, fallback: number, ceiling: number): number {
  if (typeof value !== "number" || Number.isNaN(value) || value < 0) return fallback;
  return Math.min(Math.floor(value), ceiling);
}

/** Converts any value to a JSON-safe tree with `shapes` recognised; the table is on `toJsonSafe` (serialize.ts). Never throws. */
export function walkJsonSafe(value: unknown, options: JsonSafeOptions | undefined, shapes: ShapeHook): JsonSafe {
  try {
    const walk: Walk = {
      maxDepth: limitOption(options?.maxDepth, DEFAULT_MAX_DEPTH, MAX_DEPTH_CEILING),
      maxNodes: limitOption(options?.maxNodes, DEFAULT_MAX_NODES, Number.POSITIVE_INFINITY),
      nodes: 0,
      ancestors: new Set(),
      shapes,
    };
    const out = convert(value, 0, walk);
    return out === undefined ? null : out;
  } catch (error) {
    // Unreachable by design (every read is guarded); kept so the function stays total.
    return unreadable(error);
  }
}
