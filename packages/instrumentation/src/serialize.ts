// SPDX-License-Identifier: Apache-2.0
/**
 * Payload serialization: a LangChain input or output → the JSON-safe tree (json-safe.ts with the LangChain shapes
 * of langchain-shapes.ts) → canonical JSON text within the byte budget (truncate.ts).
 */

import { langChainShapes } from "./langchain-shapes.js";
import { walkJsonSafe, wellFormed, type JsonSafe, type JsonSafeOptions } from "./json-safe.js";
import { Buffer } from "node:buffer";
import { byteBudget, cutWithMarker, fitText, pruneJsonSafe, unserializable, type SerializedPayload } from "./truncate.js";

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

/** The redaction step of a payload under policy `redacted` (content.ts builds it from the Redactor). */
export interface PayloadRedaction {
  /** Redacts a JSON-safe value (a tree, or the text of a string payload). */
  redact(safe: JsonSafe): { value: JsonSafe; counts: Record<string, number> };
  /** Keyed digest of the whole value's text, for the truncation marker (a bare hash could be confirmed by guessing). */
  digest(text: string): string;
}

/** A payload as exported, with what redaction replaced in it. */
export interface RedactedPayload extends SerializedPayload {
  counts: Record<string, number>;
}

/**
 * Characters scanned past the byte budget: a value that straddles the cut is seen whole (and redacted), so no
 * part of it shows before the cut. Longer than any fixed-size value the detectors know.
 */
export const SCAN_MARGIN_CHARS = 1024;

/**
 * Serializes a value to canonical JSON text within a UTF-8 byte budget.
 *
 * The canonical text is `JSON.stringify(toJsonSafe(value))`, except that a string value is
 * used as is (not quoted), since prompts are usually strings. When it is longer than
 * `maxBytes` it is cut as {@link truncateText} does. `maxBytes` below 1 (or NaN) counts as 1.
 * Never throws: should anything fail anyway, the text is "[Unserializable]".
 */
export function serializePayload(value: unknown, maxBytes: number): SerializedPayload {
  const text = canonicalText(value);
  if (text === undefined) return unserializable();
  try {
    return fitText(text, byteBudget(maxBytes));
  } catch {
    return unserializable();
  }
}

/**
 * The whole canonical text of a value as {@link serializePayload} cuts it (a string as is, anything else as the
 * JSON of its JSON-safe tree), or undefined when it cannot be written (e.g. a tree whose JSON text exceeds the
 * engine's maximum string length). Never throws.
 */
export function canonicalText(value: unknown): string | undefined {
  try {
    return typeof value === "string" ? wellFormed(value) : JSON.stringify(toJsonSafe(value));
  } catch {
    return undefined;
  }
}

/**
 * {@link serializePayload} with redaction, cut BEFORE it is scanned: only the first `maxBytes` characters of the
 * value (plus {@link SCAN_MARGIN_CHARS}) are redacted, whatever the value's size, so the work is bounded by the
 * budget. Should redaction shrink that part below the budget (a long secret became a short marker), twice as much
 * is taken and redacted again, until the budget is filled or the value is whole: linear in the value at worst.
 * A cut value carries the size and the KEYED digest (`hmac-sha256`) of the whole original text. Never throws.
 */
export function serializeRedactedPayload(value: unknown, maxBytes: number, redaction: PayloadRedaction): RedactedPayload {
  try {
    const isText = typeof value === "string";
    const safe: JsonSafe = isText ? wellFormed(value) : toJsonSafe(value);
    const budget = byteBudget(maxBytes);
    const full = isText ? (safe as string) : JSON.stringify(safe);
    const toText = (redacted: JsonSafe): string => (isText && typeof redacted === "string" ? redacted : JSON.stringify(redacted));
    let limit = budget + SCAN_MARGIN_CHARS;
    for (;;) {
      const whole = full.length <= limit;
      const part = whole ? safe : isText ? full.slice(0, limit) : pruneJsonSafe(safe, limit);
      const { value: redacted, counts } = redaction.redact(part);
      // Nothing replaced in the whole value: its text is the one already written.
      const text = whole && redacted === safe ? full : toText(redacted);
      if (whole || text.length >= budget + SCAN_MARGIN_CHARS / 2) {
        const fitted = whole ? fitText(text, budget) : undefined;
        if (fitted !== undefined && !fitted.truncated) return { ...fitted, counts };
        const originalBytes = Buffer.byteLength(full, "utf8");
        return { ...cutWithMarker(text, budget, { originalBytes, digest: redaction.digest(full), label: "hmac-sha256" }), counts };
      }
      limit *= 2;
    }
  } catch {
    return { ...unserializable(), counts: {} };
  }
}
