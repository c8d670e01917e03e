import type { Attributes } from "@opentelemetry/api";
import { serializePayload, type JsonSafe } from "./serialize.js";
import { firstGenerations, finishReason } from "./messages.js";
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
  ATTR_LANGCHAIN_LANGGRAPH_CHECKPOINT_NS,
  ATTR_LANGCHAIN_LANGGRAPH_NODE,
  ATTR_LANGCHAIN_LANGGRAPH_STEP,
} from "./semconv.js";

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
 * anything else as bounded JSON; strings through `redact` under the `redacted` policy. LangGraph's bookkeeping
 * keys also get their own names.
 */
export function metadataAttributes(metadata: Dict, maxBytes: number, redact?: (safe: JsonSafe) => JsonSafe): Attributes {
  const attrs: Attributes = {};
  for (const key of Object.keys(metadata)) {
    const value = metadata[key];
    if (value === undefined || value === null || typeof value === "function") continue;
    const attr = ATTR_LANGCHAIN_METADATA_PREFIX + key;
    if (typeof value === "string") attrs[attr] = redact === undefined ? value : String(redact(value));
    else if (typeof value === "boolean") attrs[attr] = value;
    else if (typeof value === "number") {
      const safe = numberAttribute(value);
      if (safe !== undefined) attrs[attr] = safe;
    } else if (Array.isArray(value) && value.every((v) => typeof v === "string")) {
      attrs[attr] = redact === undefined ? (value as string[]) : (value as string[]).map((v) => String(redact(v)));
    } else attrs[attr] = serializePayload(value, maxBytes, redact).text;
  }
  setString(attrs, ATTR_LANGCHAIN_LANGGRAPH_NODE, metadata["langgraph_node"]);
  setNumber(attrs, ATTR_LANGCHAIN_LANGGRAPH_STEP, metadata["langgraph_step"]);
  setString(attrs, ATTR_LANGCHAIN_LANGGRAPH_CHECKPOINT_NS, metadata["langgraph_checkpoint_ns"] ?? metadata["checkpoint_ns"]);
  return attrs;
}

// LangChain `ls_provider` values → gen_ai.provider.name well-known values.
const PROVIDERS: Record<string, string> = {
  openai: "openai",
  azure: "azure.ai.openai",
  azure_openai: "azure.ai.openai",
  anthropic: "anthropic",
  google_genai: "gcp.gemini",
  google_vertexai: "gcp.vertex_ai",
  google: "gcp.gen_ai",
  bedrock: "aws.bedrock",
  amazon_bedrock: "aws.bedrock",
  mistral: "mistral_ai",
  mistralai: "mistral_ai",
  groq: "groq",
  deepseek: "deepseek",
  cohere: "cohere",
  xai: "x_ai",
  perplexity: "perplexity",
  ibm: "ibm.watsonx.ai",
};

/** The model name a run asked for, from invocation params or LangChain's `ls_model_name` metadata. */
export function requestModel(extraParams: unknown, metadata: Dict): string | undefined {
  const params = asDict(asDict(extraParams)?.["invocation_params"]);
  const model = firstDefined(params, ["model", "model_name", "modelName", "model_id", "modelId"]) ?? metadata["ls_model_name"];
  return typeof model === "string" && model !== "" ? model : undefined;
}

/** gen_ai.provider.name and gen_ai.request.* from a model run's invocation params and ls_* metadata. */
export function modelRequestAttributes(extraParams: unknown, metadata: Dict, model: string | undefined): Attributes {
  const attrs: Attributes = {};
  const params = asDict(asDict(extraParams)?.["invocation_params"]);
  const provider = metadata["ls_provider"] ?? params?.["_type"];
  if (typeof provider === "string" && provider !== "") attrs[ATTR_GEN_AI_PROVIDER_NAME] = PROVIDERS[provider] ?? provider;
  setString(attrs, ATTR_GEN_AI_REQUEST_MODEL, model);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TEMPERATURE, firstDefined(params, ["temperature"]) ?? metadata["ls_temperature"]);
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_P, firstDefined(params, ["top_p", "topP"]));
  setNumber(attrs, ATTR_GEN_AI_REQUEST_TOP_K, firstDefined(params, ["top_k", "topK"]));
  setNumber(
    attrs,
    ATTR_GEN_AI_REQUEST_MAX_TOKENS,
    firstDefined(params, ["max_tokens", "maxTokens", "max_completion_tokens", "maxOutputTokens", "max_output_tokens"]) ??
      metadata["ls_max_tokens"],
  );
  setNumber(attrs, ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY, firstDefined(params, ["frequency_penalty", "frequencyPenalty"]));
  setNumber(attrs, ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY, firstDefined(params, ["presence_penalty", "presencePenalty"]));
  setNumber(attrs, ATTR_GEN_AI_REQUEST_SEED, firstDefined(params, ["seed"]));
  const stop = firstDefined(params, ["stop", "stop_sequences", "stopSequences"]) ?? metadata["ls_stop"];
  if (Array.isArray(stop) && stop.length > 0 && stop.every((s) => typeof s === "string")) {
    attrs[ATTR_GEN_AI_REQUEST_STOP_SEQUENCES] = stop as string[];
  }
  return attrs;
}

/** Token usage, finish reasons, response model and id from an LLMResult. */
export function modelResponseAttributes(output: unknown): Attributes {
  const attrs: Attributes = {};
  const generations = firstGenerations(output);
  const reasons: string[] = [];
  let usage: Dict | undefined;
  let responseMeta: Dict | undefined;
  let messageId: unknown;
  for (const generation of generations) {
    const reason = finishReason(generation);
    if (reason !== undefined) reasons.push(reason);
    const message = asDict(generation["message"]);
    if (message !== undefined) {
      usage ??= asDict(message["usage_metadata"]);
      responseMeta ??= asDict(message["response_metadata"]);
      messageId ??= message["id"];
    }
  }
  if (reasons.length > 0) attrs[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = reasons;

  if (usage !== undefined) {
    setNumber(attrs, ATTR_GEN_AI_USAGE_INPUT_TOKENS, usage["input_tokens"]);
    setNumber(attrs, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, usage["output_tokens"]);
    const inputDetails = asDict(usage["input_token_details"]);
    const outputDetails = asDict(usage["output_token_details"]);
    setNumber(attrs, ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, inputDetails?.["cache_read"]);
    setNumber(attrs, ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS, inputDetails?.["cache_creation"]);
    setNumber(attrs, ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, outputDetails?.["reasoning"]);
  } else {
    // Older integrations and text LLMs report usage in llmOutput.
    const llmOutput = asDict((output as Dict | undefined)?.["llmOutput"]);
    const tokenUsage = asDict(llmOutput?.["tokenUsage"] ?? llmOutput?.["token_usage"] ?? llmOutput?.["usage"]);
    setNumber(attrs, ATTR_GEN_AI_USAGE_INPUT_TOKENS, firstDefined(tokenUsage, ["promptTokens", "prompt_tokens", "input_tokens"]));
    setNumber(
      attrs,
      ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
      firstDefined(tokenUsage, ["completionTokens", "completion_tokens", "output_tokens"]),
    );
  }

  setString(attrs, ATTR_GEN_AI_RESPONSE_MODEL, firstDefined(responseMeta, ["model_name", "model", "modelName"]));
  const responseId = firstDefined(responseMeta, ["id", "response_id"]) ?? messageId;
  // "run-<uuid>" is LangChain's stand-in when the provider sent no id: not a response id.
  if (typeof responseId === "string" && !responseId.startsWith("run-")) setString(attrs, ATTR_GEN_AI_RESPONSE_ID, responseId);
  return attrs;
}
