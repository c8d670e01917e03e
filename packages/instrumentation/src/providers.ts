// SPDX-License-Identifier: Apache-2.0
/**
 * Provider families: for each family of LangChain chat-model clients, where the client puts what it hands to the
 * callbacks (request parameters, finish reason, response model and id, raw usage, its own content blocks) and how its
 * finish reasons read in the GenAI output-message schema. One row per family, found by `ls_provider` or the serialized
 * class; a run's start and end, streamed or not, read the same row. Paths were measured against the clients listed in
 * the README's provider table, each against a local fake of its wire API (test/integration/<client>.test.ts).
 */
import { ATTR_OPENAI_RESPONSE_SERVICE_TIER, ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT } from "./semconv.js";

/** The finish reasons of the GenAI output-message schema (gen-ai-output-messages.json, `FinishReason`). */
export type GenAiFinishReason = "stop" | "length" | "content_filter" | "tool_call" | "error";

/**
 * A dotted path from one generation of an LLMResult: `generationInfo.…` or `message.…` (`message.response_metadata`,
 * `message.additional_kwargs`, `message.id`). Streamed runs concatenate the strings of `response_metadata` chunk by
 * chunk but keep `generationInfo` last-wins, so `generationInfo` paths come first where a client fills both.
 */
export type GenerationPath = string;

/** Invocation-param keys per `gen_ai.request.*` attribute, first present wins, under `root` when the client nests them. */
export interface RequestParamKeys {
  readonly root?: string;
  readonly temperature: readonly string[];
  readonly topP: readonly string[];
  readonly topK: readonly string[];
  readonly maxTokens: readonly string[];
  readonly frequencyPenalty: readonly string[];
  readonly presencePenalty: readonly string[];
  readonly seed: readonly string[];
  readonly stopSequences: readonly string[];
}

/** A provider's own usage object, read when the message carries no LangChain `usage_metadata`. Keys are dotted. */
export interface RawUsageShape {
  readonly at: readonly GenerationPath[];
  readonly input: string;
  readonly output: string;
  readonly cacheRead?: string;
  readonly cacheCreation?: string;
  readonly reasoning?: string;
  /** `input` leaves out cache reads and writes; `gen_ai.usage.input_tokens` includes them. */
  readonly inputExcludesCache: boolean;
}

export interface ProviderFamily {
  /** `gen_ai.provider.name` */
  readonly providerName: string;
  /** `ls_provider` values the family's clients report. */
  readonly lsProviders: readonly string[];
  /** Serialized class names (the last element of `serialized.id`), for runs without `ls_provider`. */
  readonly classNames: readonly string[];
  readonly request: RequestParamKeys;
  readonly finishReasonAt: readonly GenerationPath[];
  /** Raw finish reason → schema value. A spelling not listed passes through as the provider wrote it. */
  readonly finishReasons: Readonly<Record<string, GenAiFinishReason>>;
  readonly responseModelAt: readonly GenerationPath[];
  readonly responseIdAt: readonly GenerationPath[];
  readonly rawUsage: RawUsageShape | undefined;
  /** Content-block types that repeat a call the message also lists in `tool_calls` (one call, one part). */
  readonly toolCallBlocks: readonly string[];
  /** Provider-specific semconv response attributes and where they are. */
  readonly responseAttributes: Readonly<Record<string, readonly GenerationPath[]>>;
}

/** What a family reads where: a {@link ProviderFamily} without its names. */
export type ProviderReaders = Omit<ProviderFamily, "providerName" | "lsProviders" | "classNames">;

const SNAKE_CASE_REQUEST: RequestParamKeys = {
  temperature: ["temperature"],
  topP: ["top_p"],
  topK: ["top_k"],
  maxTokens: ["max_tokens", "max_completion_tokens"],
  frequencyPenalty: ["frequency_penalty"],
  presencePenalty: ["presence_penalty"],
  seed: ["seed"],
  stopSequences: ["stop", "stop_sequences"],
};

// https://platform.openai.com/docs/api-reference/chat/object (choices[].finish_reason)
const OPENAI: ProviderReaders = {
  request: SNAKE_CASE_REQUEST,
  finishReasonAt: ["generationInfo.finish_reason", "message.response_metadata.finish_reason"],
  finishReasons: { stop: "stop", length: "length", tool_calls: "tool_call", function_call: "tool_call", content_filter: "content_filter" },
  responseModelAt: ["generationInfo.model_name", "message.response_metadata.model_name"],
  responseIdAt: ["message.response_metadata.id", "message.id"],
  rawUsage: {
    at: ["message.response_metadata.usage"],
    input: "prompt_tokens",
    output: "completion_tokens",
    cacheRead: "prompt_tokens_details.cached_tokens",
    reasoning: "completion_tokens_details.reasoning_tokens",
    inputExcludesCache: false,
  },
  toolCallBlocks: [],
  responseAttributes: {
    [ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT]: ["generationInfo.system_fingerprint", "message.response_metadata.system_fingerprint"],
    [ATTR_OPENAI_RESPONSE_SERVICE_TIER]: ["generationInfo.service_tier", "message.response_metadata.service_tier"],
  },
};

// https://docs.anthropic.com/en/api/messages (stop_reason). Streamed, the message_start and message_delta events
// land in additional_kwargs (model, id, stop_reason).
const ANTHROPIC: ProviderReaders = {
  request: SNAKE_CASE_REQUEST,
  finishReasonAt: ["message.response_metadata.stop_reason", "message.additional_kwargs.stop_reason"],
  finishReasons: {
    end_turn: "stop",
    stop_sequence: "stop",
    pause_turn: "stop",
    max_tokens: "length",
    model_context_window_exceeded: "length",
    tool_use: "tool_call",
    refusal: "content_filter",
  },
  responseModelAt: ["message.response_metadata.model", "message.additional_kwargs.model"],
  responseIdAt: ["message.response_metadata.id", "message.additional_kwargs.id", "message.id"],
  rawUsage: {
    at: ["message.response_metadata.usage"],
    input: "input_tokens",
    output: "output_tokens",
    cacheRead: "cache_read_input_tokens",
    cacheCreation: "cache_creation_input_tokens",
    inputExcludesCache: true,
  },
  toolCallBlocks: ["tool_use", "input_json_delta"],
  responseAttributes: {},
};

// https://github.com/ollama/ollama/blob/main/docs/api.md (done_reason). The API has no response id; ChatOllama
// always streams, so `invoke` reads like a stream.
const OLLAMA: ProviderReaders = {
  request: { ...SNAKE_CASE_REQUEST, root: "options", maxTokens: ["num_predict"], stopSequences: ["stop"] },
  finishReasonAt: ["message.response_metadata.done_reason"],
  finishReasons: { stop: "stop", length: "length" },
  responseModelAt: ["message.response_metadata.model"],
  responseIdAt: [],
  rawUsage: { at: ["message.response_metadata"], input: "prompt_eval_count", output: "eval_count", inputExcludesCache: false },
  toolCallBlocks: [],
  responseAttributes: {},
};

// https://ai.google.dev/api/generate-content#FinishReason. ChatGoogleGenerativeAI drops responseId, modelVersion
// and thoughtsTokenCount, so no response id, response model or reasoning tokens.
const GOOGLE: ProviderReaders = {
  request: {
    root: "generationConfig",
    temperature: ["temperature"],
    topP: ["topP"],
    topK: ["topK"],
    maxTokens: ["maxOutputTokens"],
    frequencyPenalty: ["frequencyPenalty"],
    presencePenalty: ["presencePenalty"],
    seed: ["seed"],
    stopSequences: ["stopSequences"],
  },
  finishReasonAt: ["generationInfo.finishReason", "message.response_metadata.finishReason", "generationInfo.finish_reason"],
  finishReasons: {
    STOP: "stop",
    MAX_TOKENS: "length",
    SAFETY: "content_filter",
    RECITATION: "content_filter",
    LANGUAGE: "content_filter",
    BLOCKLIST: "content_filter",
    PROHIBITED_CONTENT: "content_filter",
    SPII: "content_filter",
    IMAGE_SAFETY: "content_filter",
    IMAGE_PROHIBITED_CONTENT: "content_filter",
    IMAGE_RECITATION: "content_filter",
    MALFORMED_FUNCTION_CALL: "error",
    UNEXPECTED_TOOL_CALL: "error",
    TOO_MANY_TOOL_CALLS: "error",
  },
  responseModelAt: [],
  responseIdAt: [],
  rawUsage: undefined,
  toolCallBlocks: ["functionCall"],
  responseAttributes: {},
};

// https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html (stopReason). Converse names no
// model in its answer; the response id is the AWS request id, which only the non-streamed client passes on.
const BEDROCK: ProviderReaders = {
  request: {
    root: "inferenceConfig",
    temperature: ["temperature"],
    topP: ["topP"],
    topK: [],
    maxTokens: ["maxTokens"],
    frequencyPenalty: [],
    presencePenalty: [],
    seed: [],
    stopSequences: ["stopSequences"],
  },
  finishReasonAt: ["message.response_metadata.stopReason", "message.response_metadata.messageStop.stopReason"],
  finishReasons: {
    end_turn: "stop",
    stop_sequence: "stop",
    max_tokens: "length",
    model_context_window_exceeded: "length",
    tool_use: "tool_call",
    guardrail_intervened: "content_filter",
    content_filtered: "content_filter",
    malformed_model_output: "error",
    malformed_tool_use: "error",
  },
  responseModelAt: [],
  responseIdAt: ["message.response_metadata.$metadata.requestId", "message.id"],
  rawUsage: {
    at: ["message.response_metadata.usage", "message.response_metadata.metadata.usage"],
    input: "inputTokens",
    output: "outputTokens",
    cacheRead: "cacheReadInputTokens",
    cacheCreation: "cacheWriteInputTokens",
    inputExcludesCache: true,
  },
  toolCallBlocks: [],
  responseAttributes: {},
};

// https://docs.mistral.ai/api/#tag/chat (finish_reason). ChatMistralAI drops the completion id.
const MISTRAL: ProviderReaders = {
  request: {
    temperature: ["temperature"],
    topP: ["topP", "top_p"],
    topK: [],
    maxTokens: ["maxTokens", "max_tokens"],
    frequencyPenalty: ["frequencyPenalty", "frequency_penalty"],
    presencePenalty: ["presencePenalty", "presence_penalty"],
    seed: ["randomSeed", "random_seed"],
    stopSequences: ["stop"],
  },
  finishReasonAt: ["generationInfo.finishReason", "message.response_metadata.finishReason"],
  finishReasons: { stop: "stop", length: "length", model_length: "length", tool_calls: "tool_call", error: "error" },
  responseModelAt: ["generationInfo.model", "message.response_metadata.model"],
  responseIdAt: [],
  rawUsage: undefined,
  toolCallBlocks: [],
  responseAttributes: {},
};

/** Known families. Families without readers of their own (Groq, DeepSeek, ...) are read like an unknown provider. */
const FAMILIES: readonly ProviderFamily[] = [
  { providerName: "openai", lsProviders: ["openai"], classNames: ["ChatOpenAI", "OpenAI"], ...OPENAI },
  { providerName: "azure.ai.openai", lsProviders: ["azure", "azure_openai"], classNames: ["AzureChatOpenAI", "AzureOpenAI"], ...OPENAI },
  { providerName: "anthropic", lsProviders: ["anthropic"], classNames: ["ChatAnthropic", "ChatAnthropicMessages"], ...ANTHROPIC },
  { providerName: "ollama", lsProviders: ["ollama"], classNames: ["ChatOllama", "Ollama"], ...OLLAMA },
  { providerName: "gcp.gemini", lsProviders: ["google_genai"], classNames: ["ChatGoogleGenerativeAI"], ...GOOGLE },
  { providerName: "aws.bedrock", lsProviders: ["amazon_bedrock", "bedrock"], classNames: ["ChatBedrockConverse"], ...BEDROCK },
  { providerName: "mistral_ai", lsProviders: ["mistral", "mistralai"], classNames: ["ChatMistralAI", "MistralAI"], ...MISTRAL },
];

function merged<T>(pick: (family: ProviderFamily) => readonly T[]): T[] {
  return [...new Set(FAMILIES.flatMap(pick))];
}

/**
 * How a run of an unknown provider is read: every known family's places and spellings (no two families spell a
 * finish reason alike with different meanings: a unit test holds that), `generationInfo` before `message` paths.
 */
const UNKNOWN_READERS: ProviderReaders = {
  request: {
    temperature: ["temperature"],
    topP: ["top_p", "topP"],
    topK: ["top_k", "topK"],
    maxTokens: ["max_tokens", "maxTokens", "max_completion_tokens", "maxOutputTokens", "max_output_tokens"],
    frequencyPenalty: ["frequency_penalty", "frequencyPenalty"],
    presencePenalty: ["presence_penalty", "presencePenalty"],
    seed: ["seed"],
    stopSequences: ["stop", "stop_sequences", "stopSequences"],
  },
  finishReasonAt: generationInfoFirst(merged((f) => f.finishReasonAt)),
  finishReasons: Object.assign({}, ...FAMILIES.map((f) => f.finishReasons)) as Record<string, GenAiFinishReason>,
  responseModelAt: generationInfoFirst([...merged((f) => f.responseModelAt), "message.response_metadata.modelName"]),
  responseIdAt: ["message.response_metadata.id", "message.id"],
  rawUsage: undefined,
  toolCallBlocks: merged((f) => f.toolCallBlocks),
  responseAttributes: {},
};

function generationInfoFirst(paths: readonly GenerationPath[]): GenerationPath[] {
  return [...paths.filter((p) => p.startsWith("generationInfo.")), ...paths.filter((p) => !p.startsWith("generationInfo."))];
}

const BY_LS_PROVIDER = new Map(FAMILIES.flatMap((f) => f.lsProviders.map((key) => [key, f] as const)));
const BY_CLASS = new Map(FAMILIES.flatMap((f) => f.classNames.map((key) => [key, f] as const)));
const BY_PROVIDER_NAME = new Map(FAMILIES.map((f) => [f.providerName, f] as const));

/** `ls_provider` values of clients read like an unknown provider, with their well-known `gen_ai.provider.name`. */
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  google_vertexai: "gcp.vertex_ai",
  google: "gcp.gen_ai",
  groq: "groq",
  deepseek: "deepseek",
  cohere: "cohere",
  xai: "x_ai",
  perplexity: "perplexity",
  ibm: "ibm.watsonx.ai",
};

/**
 * The family of a model run, from its `ls_provider` metadata or, without one, the class it serialized as.
 * `undefined` for a provider we have no row for (it is read with {@link readersOf}'s union of every family).
 */
export function providerFamily(lsProvider: unknown, serializedId?: unknown): ProviderFamily | undefined {
  // A provider named but unknown is not guessed from the class (ChatOpenAI subclasses serve other providers).
  if (typeof lsProvider === "string" && lsProvider !== "") return BY_LS_PROVIDER.get(lsProvider);
  if (Array.isArray(serializedId)) {
    const className = serializedId[serializedId.length - 1];
    if (typeof className === "string") return BY_CLASS.get(className);
  }
  return undefined;
}

/** The family of a model run from its start callback: `ls_provider` (or the invocation's `_type`), else its class. */
export function familyOfModelRun(
  metadata: Readonly<Record<string, unknown>>,
  extraParams: unknown,
  serialized: { id?: unknown } | undefined,
): ProviderFamily | undefined {
  const invocation = (extraParams as { invocation_params?: { _type?: unknown } } | null | undefined)?.invocation_params;
  return providerFamily(metadata["ls_provider"] ?? invocation?._type, serialized?.id);
}

/** `gen_ai.provider.name` for a run: its family's, the well-known name of its `ls_provider`, or `ls_provider` as is. */
export function providerName(family: ProviderFamily | undefined, lsProvider: unknown): string | undefined {
  if (family !== undefined) return family.providerName;
  if (typeof lsProvider !== "string" || lsProvider === "") return undefined;
  return PROVIDER_NAMES[lsProvider] ?? lsProvider;
}

/** The family whose `gen_ai.provider.name` this is (how a run's end finds the row its start chose). */
export function familyByProviderName(name: unknown): ProviderFamily | undefined {
  return typeof name === "string" ? BY_PROVIDER_NAME.get(name) : undefined;
}

/** The readers of a family, or the union of all of them for an unknown provider. */
export function readersOf(family: ProviderFamily | undefined): ProviderReaders {
  return family ?? UNKNOWN_READERS;
}

const TOOL_CALL_BLOCKS: ReadonlySet<unknown> = new Set(UNKNOWN_READERS.toolCallBlocks);

/**
 * Whether a content block is some family's own form of a tool call. Asked of every message, input history too, where
 * the provider that wrote a message is not always the one the run calls.
 */
export function isToolCallBlock(type: unknown): boolean {
  return TOOL_CALL_BLOCKS.has(type);
}

/** Every family, for the README table and the table's own tests. */
export function knownFamilies(): readonly ProviderFamily[] {
  return FAMILIES;
}

/**
 * A raw finish reason in the schema's terms: the family's spelling mapped, an unlisted one as is. A model that stopped
 * with tool calls to make reports `tool_call` whatever it says (Gemini and Ollama say `STOP` / `stop`, OpenAI says
 * `stop` when the call was forced).
 */
export function normalizeFinishReason(readers: ProviderReaders, raw: string, hasToolCalls: boolean): string {
  const mapped: string = readers.finishReasons[raw] ?? raw;
  return mapped === "stop" && hasToolCalls ? "tool_call" : mapped;
}
