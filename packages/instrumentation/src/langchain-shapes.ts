// SPDX-License-Identifier: Apache-2.0
/**
 * LangChain's own shapes in a payload: messages, documents and serializables (with their `lc_secrets` replaced),
 * recognised by shape, since several copies of @langchain/core can be loaded at once and instanceof would miss
 * some of them. Plugs into the generic walk of json-safe.ts.
 */

import {
  constructorName,
  convertChild,
  convertFields,
  copyOwnFields,
  readQuietly,
  wellFormed,
  type JsonObject,
  type JsonSafe,
  type ShapeHook,
} from "./json-safe.js";

// Bounds the walk up a prototype chain when collecting LangChain `lc_secrets`.
const MAX_PROTOTYPE_HOPS = 32;
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

// The accessors LangChain messages expose, in the order they are asked (1.x keeps `type` as a field and
// `_getType()` returns it; 0.x has only the methods).
const TYPE_METHODS = ["_getType", "getType"] as const;

/** Calls `obj[method]()` guarded: a missing method, a throw or a non-string result gives undefined. */
function callForString(obj: object, method: string): string | undefined {
  const fn = readQuietly(obj, method);
  if (typeof fn !== "function") return undefined;
  try {
    const value: unknown = fn.call(obj);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `obj` has one of LangChain's message type methods (what tells a message from a plain `{ role, content }`). */
function hasTypeAccessor(obj: object): boolean {
  return TYPE_METHODS.some((method) => typeof readQuietly(obj, method) === "function");
}

/**
 * The LangChain message type ("human", "ai", "tool", ...) of a message-like value, or undefined. One order of
 * checks for every caller: the `type` field, then `_getType()`, then `getType()`, then a plain `role` field.
 * Never throws (getters and methods that throw are skipped).
 */
export function messageType(message: unknown): string | undefined {
  if (message === null || typeof message !== "object") return undefined;
  const type = readQuietly(message, "type");
  if (typeof type === "string") return wellFormed(type);
  for (const method of TYPE_METHODS) {
    const value = callForString(message, method);
    if (value !== undefined) return wellFormed(value);
  }
  const role = readQuietly(message, "role");
  return typeof role === "string" ? wellFormed(role) : undefined;
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

/**
 * LangChain messages, documents and serializables, recognised by shape: several copies
 * of @langchain/core can be loaded at once, so instanceof would miss some of them.
 */
export const langChainShapes: ShapeHook = (obj, depth, walk) => {
  if (readQuietly(obj, "content") !== undefined && hasTypeAccessor(obj)) {
    const role = messageType(obj);
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
};

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
