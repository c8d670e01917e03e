// SPDX-License-Identifier: Apache-2.0
import { Buffer } from "node:buffer";
import type { Attributes, AttributeValue } from "@opentelemetry/api";
import { exportedTree, type ContentOptions } from "./content.js";
import { SCAN_MARGIN_CHARS, serializePayload, toJsonSafe, type JsonSafe } from "./serialize.js";
import { cutWithMarker, pruneJsonSafe } from "./truncate.js";
import type { ModelResponse } from "./model-response.js";
import { providerName, readersOf, type ProviderFamily } from "./providers.js";
import {
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY,
  ATTR_GEN_AI_REQUEST_SEED,
  ATTR_GEN_AI_REQUEST_STOP_SEQUENCES,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_K,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_LANGCHAIN_METADATA_PREFIX,
  ATTR_LANGCHAIN_RESPONSE_FINISH_REASONS_RAW,
  ATTR_LANGCHAIN_LANGGRAPH_CHECKPOINT_NS,
  ATTR_LANGCHAIN_LANGGRAPH_NODE,
  ATTR_LANGCHAIN_LANGGRAPH_STEP,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
} from "./semconv.js";
import type { PriceList } from "./pricing.js";

type Dict = Record<string, unknown>;

function asDict(value: unknown): Dict | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Dict) : undefined;
}

function firstDefined(source: Dict | undefined, keys: readonly string[]): unknown {
  if (source === undefined) return undefined;
  for (const key of keys) {
    const value = source[key];
    if (value !== undefined && value !== null) return value;
  }
  return undefined;
}

/**
 * A number as an attribute value. OTLP encoders send any integral JS number as a 64-bit `intValue`, and a collector
 * rejects the whole batch when one is out of int64 range (1e300 is integral); such numbers go as strings.
 */
export function numberAttribute(value: number): number | string | undefined {
  if (!Number.isFinite(value)) return undefined;
  return Number.isInteger(value) && !Number.isSafeInteger(value) ? String(value) : value;
}

function setNumber(attrs: Attributes, key: string, value: unknown): void {
  if (typeof value === "number") {
    const safe = numberAttribute(value);
    if (safe !== undefined) attrs[key] = safe;
  }
}

function setString(attrs: Attributes, key: string, value: unknown): void {
  if (typeof value === "string" && value !== "") attrs[key] = value;
}

/**
 * `langchain.metadata.<key>` per metadata entry: primitives as is, homogeneous primitive arrays as arrays,
 * anything else as bounded JSON. Under the `redacted` policy the metadata is redacted as one tree, keys included
 * (values under secret-named keys or key rules replaced whole), each value cut to the budget before it is scanned;
 * the counts go to `counts`. LangGraph's bookkeeping keys also get their own names.
 */
export function metadataAttributes(metadata: Dict, options: ContentOptions, counts: Record<string, AttributeValue>): Attributes {
  const attrs: Attributes = {};
  const keys = Object.keys(metadata).filter((key) => {
    const value = metadata[key];
    return value !== undefined && value !== null && typeof value !== "function";
  });
  const redactor = options.redactor;
  if (redactor === undefined) {
    for (const key of keys) {
      const value = metadata[key];
      const attr = metadataValue(value, (v) => serializePayload(v, options.maxPayloadBytes).text);
      if (attr !== undefined) attrs[ATTR_LANGCHAIN_METADATA_PREFIX + key] = attr;
    }
  } else {
    const limit = options.maxPayloadBytes + SCAN_MARGIN_CHARS;
    const tree: { [key: string]: JsonSafe } = {};
    // Each value's whole JSON-safe form, kept for the size and digest of a value cut below (not converted twice).
    const wholes: JsonSafe[] = [];
    for (const key of keys) {
      const value = metadata[key];
      const safe: JsonSafe = isPrimitive(value) ? value : toJsonSafe(value);
      wholes.push(safe);
      tree[key] = pruneJsonSafe(safe, limit);
    }
    const redacted = exportedTree(tree, options, counts);
    // The walk keeps the entries and their order; only keys and values change (or the whole tree, by a "$" rule).
    const outKeys = typeof redacted === "object" && redacted !== null && !Array.isArray(redacted) ? Object.keys(redacted) : undefined;
    keys.forEach((key, i) => {
      const value = metadata[key];
      const outKey = outKeys?.[i] ?? key;
      const out = outKeys === undefined ? redacted : (redacted as { [key: string]: JsonSafe })[outKey];
      let attr: AttributeValue | undefined;
      if (typeof out === "string") attr = fitRedacted(out, typeof value === "string" ? value : out, options);
      else if (typeof out === "number") attr = numberAttribute(out);
      else if (typeof out === "boolean") attr = out;
      else if (Array.isArray(out) && Array.isArray(value) && out.every((v) => typeof v === "string")) attr = out as string[];
      else attr = fitRedacted(JSON.stringify(out), JSON.stringify(isPrimitive(value) ? toJsonSafe(value) : wholes[i]), options);
      if (attr !== undefined) attrs[ATTR_LANGCHAIN_METADATA_PREFIX + outKey] = attr;
    });
  }
  setString(attrs, ATTR_LANGCHAIN_LANGGRAPH_NODE, metadata["langgraph_node"]);
  setNumber(attrs, ATTR_LANGCHAIN_LANGGRAPH_STEP, metadata["langgraph_step"]);
  setString(attrs, ATTR_LANGCHAIN_LANGGRAPH_CHECKPOINT_NS, metadata["langgraph_checkpoint_ns"] ?? metadata["checkpoint_ns"]);
  return attrs;
}

function isPrimitive(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

/** One metadata value as an attribute: primitives as is, string arrays as arrays, anything else as bounded JSON. */
function metadataValue(value: unknown, asJson: (value: unknown) => string): AttributeValue | undefined {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return numberAttribute(value);
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
  return asJson(value);
}

/** A redacted text within the budget; cut with the keyed digest of `original` when either is over it. */
function fitRedacted(text: string, original: string, options: ContentOptions): string {
  const budget = options.maxPayloadBytes;
  if (text.length <= budget && original.length <= budget) return text;
  if (Buffer.byteLength(text, "utf8") <= budget && Buffer.byteLength(original, "utf8") <= budget) return text;
  return cutWithMarker(text, budget, {
    originalBytes: Buffer.byteLength(original, "utf8"),
    digest: options.redactor!.digest(original),
    label: "hmac-sha256",
  }).text;
}

/** The model name a run asked for, from invocation params or LangChain's `ls_model_name` metadata. */
export function requestModel(extraParams: unknown, metadata: Dict): string | undefined {
  const params = asDict(asDict(extraParams)?.["invocation_params"]);
  const model = firstDefined(params, ["model", "model_name", "modelName", "model_id", "modelId"]) ?? metadata["ls_model_name"];
  return typeof model === "string" && model !== "" ? model : undefined;
}

/**
 * gen_ai.provider.name and gen_ai.request.* from a model run's invocation params (read where its provider family puts
 * them) and `ls_*` metadata. An empty list the client sent (`stopSequences: []`) is what was asked: no fallback.
 */
export function modelRequestAttributes(
  extraParams: unknown,
  metadata: Dict,
  model: string | undefined,
  family: ProviderFamily | undefined,
): Attributes {
  const attrs: Attributes = {};
  const invocation = asDict(asDict(extraParams)?.["invocation_params"]);
  const keys = readersOf(family).request;
  const params = keys.root === undefined ? invocation : asDict(invocation?.[keys.root]);
  setString(attrs, ATTR_GEN_AI_PROVIDER_NAME, providerName(family, metadata["ls_provider"] ?? invocation?.["_type"]));
  setString(attrs, ATTR_GEN_AI_REQUEST_MODEL, model);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, firstDefined(params, keys.temperature) ?? metadata["ls_temperature"]);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, firstDefined(params, keys.topP));
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, firstDefined(params, keys.topK));
  setNumber(attrs, ATTR_GEN_AI_REQUEST_MAX_TOKENS, firstDefined(params, keys.maxTokens) ?? metadata["ls_max_tokens"]);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, firstDefined(params, keys.frequencyPenalty));
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, firstDefined(params, keys.presencePenalty));
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, firstDefined(params, keys.seed));
  const stop = firstDefined(params, keys.stopSequences) ?? metadata["ls_stop"];
  if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === "string")) {
    attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop as string[];
  }
  return attrs;
}

/** Finish reasons (schema terms, and raw), response model and id, usage and provider attributes of a model run. */
export function modelResponseAttributes(response: ModelResponse): Attributes {
  const attrs: Attributes = {};
  const finishes = response.finishes.filter((f) => f !== undefined);
  if (finishes.length > 0) {
    attrs[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = finishes.map((f) => f.reason);
    attrs[ATTR_LANGCHAIN_RESPONSE_FINISH_REASONS_RAW] = finishes.map((f) => f.raw);
  }
  const usage = response.usage;
  if (usage !== undefined) {
    setNumber(attrs, ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokens);
    setNumber(attrs, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokens);
    setNumber(attrs, ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, usage.cacheReadInputTokens);
    setNumber(attrs, ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, usage.cacheCreationInputTokens);
    setNumber(attrs, ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, usage.reasoningOutputTokens);
  }
  setString(attrs, ATTR_GEN_AI_RESPONSE_MODEL, response.model);
  setString(attrs, ATTR_GEN_AI_RESPONSE_ID, response.id);
  Object.assign(attrs, response.providerAttributes);
  return attrs;
}

const DEFAULT_PORTS: Record<string, number> = { "http:": 80, "https:": 443 };

/**
 * `server.address` and `server.port` of a model run, from the base URL its serialized constructor arguments carry
 * (`configuration.baseURL` of the OpenAI classes, `baseUrl` / `apiUrl` of others). Nothing when none is set: the
 * provider's default endpoint can be moved by its own environment variables, so it is not assumed.
 */
export function serverAttributes(serialized: { kwargs?: unknown } | undefined): Attributes {
  const kwargs = asDict(serialized?.kwargs);
  const url = firstDefined(asDict(kwargs?.["configuration"]), ["baseURL", "baseUrl"]) ?? firstDefined(kwargs, ["baseURL", "baseUrl", "apiUrl"]);
  if (typeof url !== "string" || url.length > 2048) return {};
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  const port = parsed.port !== "" ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
  if (parsed.hostname === "") return {};
  const attrs: Attributes = { [ATTR_SERVER_ADDRESS]: parsed.hostname.replace(/^\[(.*)\]$/, "$1") };
  if (port !== undefined) attrs[ATTR_SERVER_PORT] = port;
  return attrs;
}

/**
 * `gen_ai.usage.cost` of a model call from its end attributes (usage, response model) and its identity (provider,
 * request model): undefined without usage or when neither model has a price.
 */
export function callCost(
  prices: PriceList,
  identity: Readonly<Record<string, AttributeValue>>,
  end: Readonly<Record<string, AttributeValue>>,
): number | undefined {
  const input = end[ATTR_GEN_AI_USAGE_INPUT_TOKENS];
  const output = end[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS];
  if (typeof input !== "number" && typeof output !== "number") return undefined;
  const num = (v: AttributeValue | undefined): number | undefined => (typeof v === "number" ? v : undefined);
  const str = (v: AttributeValue | undefined): string | undefined => (typeof v === "string" ? v : undefined);
  return prices.cost(str(identity[ATTR_GEN_AI_PROVIDER_NAME]), [str(end[ATTR_GEN_AI_RESPONSE_MODEL]), str(identity[ATTR_GEN_AI_REQUEST_MODEL])], {
    input: num(input) ?? 0,
    output: num(output) ?? 0,
    cacheRead: num(end[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]),
    cacheWrite: num(end[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]),
    reasoning: num(end[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS]),
  });
}
