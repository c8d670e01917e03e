// SPDX-License-Identifier: Apache-2.0
/**
 * The content policy applied to what a span or record carries: payloads (put by {@link putPayload}) and every other
 * exported string (names, tags, ids, metadata keys and values, error texts, event attributes), which goes through
 * {@link redactAttributes} or {@link exportedText}. Under `redacted` nothing leaves unscanned: a payload is cut to
 * its budget, then redacted; any other string too.
 */

import { Buffer } from "node:buffer";
import { hash } from "node:crypto";
import { hmacSha256Hex, sizedHmacSha256 } from "./hmac.js";
import type { AttributeValue } from "@opentelemetry/api";
import type { ResolvedTracingOptions } from "./options.js";
import type { Redactor } from "./redaction/index.js";
import { canonicalText, serializePayload, serializeRedactedPayload, type JsonSafe, type PayloadRedaction } from "./serialize.js";
import { unserializable } from "./truncate.js";
import {
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_LANGCHAIN_METADATA_PREFIX,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_LANGCHAIN_REDACTIONS_PREFIX,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_TYPE,
  PAYLOAD_SHA256_SUFFIX,
  PAYLOAD_SIZE_SUFFIX,
  PAYLOAD_TRUNCATED_SUFFIX,
} from "./semconv.js";

type Attrs = Record<string, AttributeValue>;
export type ContentOptions = Pick<ResolvedTracingOptions, "contentPolicy" | "maxPayloadBytes" | "redactor" | "digestKey">;

// Attributes whose values we generate (UUIDs, enums): nothing of the user's can be in them, so they are not scanned.
const GENERATED_KEYS: ReadonlySet<string> = new Set([ATTR_LANGCHAIN_RUN_ID, ATTR_LANGCHAIN_PARENT_RUN_ID, ATTR_LANGCHAIN_RUN_TYPE, ATTR_GEN_AI_OPERATION_NAME]);

/**
 * The payload attributes each attribute map holds (put by putPayload, so already redacted): redactAttributes, run
 * once per map after its payloads are put, skips them and their `.sha256` digests. The map being filled is kept
 * in a slot (its payloads are put, then it is redacted, in one callback); a map that loses the slot to another
 * moves to the WeakMap, so the marks of any number of maps stay right while a run costs no WeakMap entry.
 */
const payloadKeys = new WeakMap<Attrs, string[]>();
let markedAttrs: Attrs | undefined;
let markedKeys: string[] = [];

function markPayload(attrs: Attrs, key: string): void {
  if (markedAttrs !== attrs) {
    if (markedAttrs !== undefined) payloadKeys.set(markedAttrs, markedKeys);
    const earlier = payloadKeys.get(attrs);
    if (earlier !== undefined) payloadKeys.delete(attrs);
    markedAttrs = attrs;
    markedKeys = earlier ?? [];
  }
  markedKeys.push(key);
}

/** The payload keys marked on `attrs`, forgotten: a map is redacted once, after its payloads are put. */
function takePayloadKeys(attrs: Attrs): string[] | undefined {
  if (markedAttrs !== attrs) {
    const keys = payloadKeys.get(attrs);
    if (keys !== undefined) payloadKeys.delete(attrs);
    return keys;
  }
  const keys = markedKeys;
  markedAttrs = undefined;
  markedKeys = [];
  return keys;
}

function isPayloadKey(key: string, payloads: readonly string[]): boolean {
  for (const payload of payloads) {
    if (key === payload) return true;
    if (key.length === payload.length + PAYLOAD_SHA256_SUFFIX.length && key.startsWith(payload) && key.endsWith(PAYLOAD_SHA256_SUFFIX)) return true;
  }
  return false;
}

// One redaction step per Redactor, built once: a payload costs no closure.
const payloadRedactions = new WeakMap<Redactor, PayloadRedaction>();

function payloadRedaction(redactor: Redactor): PayloadRedaction {
  let redaction = payloadRedactions.get(redactor);
  if (redaction === undefined) {
    redaction = {
      redact: (safe) => (typeof safe === "string" ? redactor.redactString(safe) : redactor.redactTree(safe)),
      digest: (text) => redactor.digest(text),
    };
    payloadRedactions.set(redactor, redaction);
  }
  return redaction;
}

/**
 * Short non-payload strings that redaction left as they were, per Redactor: names, ids, tags and model names come
 * back on every run of a trace and every trace of an app, and their redaction depends on nothing but the text and
 * the Redactor. Payloads are never remembered. At most {@link MAX_REMEMBERED_TEXTS} per Redactor (the set starts
 * again when full), each at most {@link MAX_REMEMBERED_CHARS} long.
 */
const cleanTexts = new WeakMap<Redactor, Set<string>>();
const MAX_REMEMBERED_TEXTS = 1024;
const MAX_REMEMBERED_CHARS = 256;

/** Adds redaction counts to `attrs` as `langchain.redactions.<kind>`. */
export function addRedactionCounts(attrs: Attrs, counts: Record<string, number>): void {
  for (const kind in counts) {
    if (!Object.hasOwn(counts, kind) || counts[kind] === 0) continue;
    const key = ATTR_LANGCHAIN_REDACTIONS_PREFIX + kind;
    attrs[key] = ((attrs[key] as number | undefined) ?? 0) + counts[kind]!;
  }
}

/**
 * Puts one payload on `attrs` under `key` according to the content policy:
 * `full` → the serialized text (plus `.truncated`, `.size_bytes`, `.sha256` when it was cut);
 * `redacted` → the first `maxPayloadBytes` of it, redacted, with the redaction counts (a cut value's `.sha256`
 * is the keyed digest of the whole value);
 * `none` → only `.size_bytes` and `.sha256` of the full serialized value, the digest keyed (HMAC-SHA-256 with the
 * deployment's key, else a random per-process key) so that short values cannot be recovered by trying them all.
 */
export function putPayload(attrs: Attrs, key: string, value: unknown, options: ContentOptions): void {
  if (value === undefined) return;
  if (options.contentPolicy === "none") {
    // The whole canonical text, never cut, only measured and digested: one UTF-8 encoding gives both.
    const text = canonicalText(value);
    const digestKey = options.digestKey;
    let measured: { bytes: number; hex: string };
    if (text === undefined) {
      const marker = unserializable();
      measured = { bytes: marker.originalBytes, hex: digestKey === undefined ? hash("sha256", marker.text, "hex") : hmacSha256Hex(digestKey, marker.text) };
    } else {
      measured = digestKey === undefined ? { bytes: Buffer.byteLength(text, "utf8"), hex: hash("sha256", text, "hex") } : sizedHmacSha256(digestKey, text);
    }
    attrs[key + PAYLOAD_SIZE_SUFFIX] = measured.bytes;
    attrs[key + PAYLOAD_SHA256_SUFFIX] = measured.hex;
    return;
  }
  const redactor = options.redactor;
  const payload =
    redactor === undefined ? serializePayload(value, options.maxPayloadBytes) : serializeRedactedPayload(value, options.maxPayloadBytes, payloadRedaction(redactor));
  if ("counts" in payload) addRedactionCounts(attrs, payload.counts as Record<string, number>);
  // Only redactAttributes reads the mark, and it does nothing without a Redactor.
  if (redactor !== undefined) markPayload(attrs, key);
  attrs[key] = payload.text;
  if (payload.truncated) {
    attrs[key + PAYLOAD_TRUNCATED_SUFFIX] = true;
    attrs[key + PAYLOAD_SIZE_SUFFIX] = payload.originalBytes;
    if (payload.sha256 !== undefined) attrs[key + PAYLOAD_SHA256_SUFFIX] = payload.sha256;
  }
}

/**
 * An exported string that is not a payload (a name, a tag, an id, an error message or stack) under the policy:
 * under `redacted`, cut to `maxPayloadBytes` and redacted, the counts added to `countsInto`; otherwise as is.
 */
export function exportedText(text: string, options: ContentOptions, countsInto: Attrs): string {
  const redactor = options.redactor;
  if (redactor === undefined) return text;
  // Short enough to be kept whole under any budget it is looked up with (3 bytes per code unit at most).
  const remembered = text.length <= MAX_REMEMBERED_CHARS && text.length * 3 <= options.maxPayloadBytes;
  let clean = remembered ? cleanTexts.get(redactor) : undefined;
  if (clean?.has(text)) return text;
  const payload = serializeRedactedPayload(text, options.maxPayloadBytes, payloadRedaction(redactor));
  addRedactionCounts(countsInto, payload.counts);
  if (remembered && payload.text === text && Object.keys(payload.counts).length === 0) {
    if (clean === undefined) cleanTexts.set(redactor, (clean = new Set()));
    if (clean.size >= MAX_REMEMBERED_TEXTS) clean.clear();
    clean.add(text);
  }
  return payload.text;
}

/** A JSON-safe value through redaction under `redacted` (as is otherwise), the counts added to `countsInto`. */
export function exportedTree(safe: JsonSafe, options: ContentOptions, countsInto: Attrs): JsonSafe {
  const redactor = options.redactor;
  if (redactor === undefined) return safe;
  const result = typeof safe === "string" ? redactor.redactString(safe) : redactor.redactTree(safe);
  addRedactionCounts(countsInto, result.counts);
  return result.value;
}

/**
 * The one entry point for the attributes of a span, record or event under `redacted`: every string and string
 * array value is redacted (cut to the budget first), except payloads (already redacted by {@link putPayload}, with
 * their `.sha256` digests), metadata (redacted as a tree by `metadataAttributes`) and the values we generate (run
 * ids, run type). Counts go to `countsInto` (default: `attrs`). Returns `attrs`, changed in place. Once per map:
 * its payload marks are read and dropped.
 */
export function redactAttributes(attrs: Attrs, options: ContentOptions, countsInto: Attrs = attrs): Attrs {
  if (options.redactor === undefined) return attrs;
  const skip = takePayloadKeys(attrs);
  for (const key of Object.keys(attrs)) {
    if (GENERATED_KEYS.has(key) || (skip !== undefined && isPayloadKey(key, skip)) || key.startsWith(ATTR_LANGCHAIN_REDACTIONS_PREFIX) || key.startsWith(ATTR_LANGCHAIN_METADATA_PREFIX)) continue;
    const value = attrs[key];
    if (typeof value === "string") {
      attrs[key] = exportedText(value, options, countsInto);
    } else if (Array.isArray(value) && value.some((item) => typeof item === "string")) {
      attrs[key] = (value as unknown[]).map((item) => (typeof item === "string" ? exportedText(item, options, countsInto) : item)) as AttributeValue;
    }
  }
  return attrs;
}
