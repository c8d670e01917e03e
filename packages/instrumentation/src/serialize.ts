// SPDX-License-Identifier: Apache-2.0
/**
 * Payload serialization: a LangChain input or output → the JSON-safe tree (json-safe.ts with the LangChain shapes
 * of langchain-shapes.ts) → canonical JSON text within the byte budget (truncate.ts).
 */

import { langChainShapes } from "./langchain-shapes.js";
import { walkJsonSafe, wellFormed, type JsonSafe, type JsonSafeOptions } from "./json-safe.js";
import { fitText, byteBudget, unserializable, type SerializedPayload } from "./truncate.js";

export type { JsonSafe } from "./json-safe.js";
export type { SerializedPayload } from "./truncate.js";
export { truncateText } from "./truncate.js";

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
export function toJsonSafe(value: unknown, options?: JsonSafeOptions): JsonSafe {
  return walkJsonSafe(value, options, langChainShapes);
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
