// SPDX-License-Identifier: Apache-2.0
import { normalizeFinishReason, readersOf, type GenerationPath, type ProviderFamily, type ProviderReaders } from "./providers.js";

type Dict = Record<string, unknown>;

/** Token counts of a model run, in the semconv's terms (`inputTokens` includes cache reads and writes). */
export interface ModelUsage {
  inputTokens?: number;
  outputTokens?: number;
  cacheReadInputTokens?: number;
  cacheCreationInputTokens?: number;
  reasoningOutputTokens?: number;
}

export interface GenerationFinish {
  /** As the provider spelled it. */
  raw: string;
  /** In the output-message schema's terms (`stop`, `length`, `content_filter`, `tool_call`, `error`) where one fits. */
  reason: string;
}

/** What a model run's end tells, read through its provider family: the same reading for spans, metrics and cost. */
export interface ModelResponse {
  /** One entry per generation of the first prompt; `undefined` where the provider gave no finish reason. */
  finishes: (GenerationFinish | undefined)[];
  model?: string;
  id?: string;
  usage?: ModelUsage;
  /** Provider-specific semconv attributes (`openai.response.system_fingerprint`, ...). */
  providerAttributes: Record<string, string>;
}

/** Generation objects of an LLMResult (`generations[0]`: the first prompt's), duck-typed. */
export function firstGenerations(output: unknown): Dict[] {
  const generations = asDict(output)?.["generations"];
  const first = Array.isArray(generations) ? generations[0] : undefined;
  return Array.isArray(first) ? first.filter((g): g is Dict => g !== null && typeof g === "object") : [];
}

function asDict(value: unknown): Dict | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Dict) : undefined;
}

/**
 * The steps of each dotted path, split once: the paths are the provider readers' constants, read on every model
 * run's end (a dozen or more per run). Bounded all the same: the map starts again when full.
 */
const pathSteps = new Map<string, readonly string[]>();
const MAX_PATHS = 512;

function stepsOf(path: string): readonly string[] {
  let steps = pathSteps.get(path);
  if (steps === undefined) {
    if (pathSteps.size >= MAX_PATHS) pathSteps.clear();
    steps = path.split(".");
    pathSteps.set(path, steps);
  }
  return steps;
}

/** The value at a dotted path; `undefined` where a step is missing or a getter throws. */
function at(root: unknown, path: string): unknown {
  let value = root;
  try {
    for (const key of stepsOf(path)) {
      if (value === null || typeof value !== "object") return undefined;
      value = (value as Dict)[key];
    }
  } catch {
    return undefined;
  }
  return value;
}

function firstString(generation: Dict, paths: readonly GenerationPath[], accept: (s: string) => boolean = () => true): string | undefined {
  for (const path of paths) {
    const value = at(generation, path);
    if (typeof value === "string" && value !== "" && accept(value)) return value;
  }
  return undefined;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** LangChain's standard `usage_metadata` (input includes cache reads and writes in every client we map). */
function standardUsage(usage: Dict): ModelUsage {
  return {
    inputTokens: count(usage["input_tokens"]),
    outputTokens: count(usage["output_tokens"]),
    cacheReadInputTokens: count(at(usage, "input_token_details.cache_read")),
    cacheCreationInputTokens: count(at(usage, "input_token_details.cache_creation")),
    reasoningOutputTokens: count(at(usage, "output_token_details.reasoning")),
  };
}

/** The provider's own usage object, for runs whose message has no `usage_metadata` (streamUsage off, say). */
function rawUsage(generation: Dict, readers: ProviderReaders): ModelUsage | undefined {
  const shape = readers.rawUsage;
  if (shape === undefined) return undefined;
  for (const path of shape.at) {
    const raw = asDict(at(generation, path));
    if (raw === undefined) continue;
    const cacheRead = shape.cacheRead === undefined ? undefined : count(at(raw, shape.cacheRead));
    const cacheCreation = shape.cacheCreation === undefined ? undefined : count(at(raw, shape.cacheCreation));
    let input = count(at(raw, shape.input));
    if (input !== undefined && shape.inputExcludesCache) input += (cacheRead ?? 0) + (cacheCreation ?? 0);
    const usage: ModelUsage = {
      inputTokens: input,
      outputTokens: count(at(raw, shape.output)),
      cacheReadInputTokens: cacheRead,
      cacheCreationInputTokens: cacheCreation,
      reasoningOutputTokens: shape.reasoning === undefined ? undefined : count(at(raw, shape.reasoning)),
    };
    if (Object.values(usage).some((v) => v !== undefined)) return usage;
  }
  return undefined;
}

/** Older integrations and text LLMs report usage only in `llmOutput`. */
function llmOutputUsage(output: unknown): ModelUsage | undefined {
  const llmOutput = asDict(asDict(output)?.["llmOutput"]);
  const tokenUsage = asDict(llmOutput?.["tokenUsage"] ?? llmOutput?.["token_usage"] ?? llmOutput?.["usage"]);
  if (tokenUsage === undefined) return undefined;
  const pick = (keys: readonly string[]) => keys.map((k) => count(tokenUsage[k])).find((v) => v !== undefined);
  const usage: ModelUsage = {
    inputTokens: pick(["promptTokens", "prompt_tokens", "input_tokens"]),
    outputTokens: pick(["completionTokens", "completion_tokens", "output_tokens"]),
  };
  return usage.inputTokens === undefined && usage.outputTokens === undefined ? undefined : usage;
}

function hasToolCalls(generation: Dict): boolean {
  const calls = at(generation, "message.tool_calls");
  return Array.isArray(calls) && calls.length > 0;
}

// "run-<uuid>" is LangChain's stand-in when the provider sent no id: not a response id.
const isProviderId = (id: string): boolean => !id.startsWith("run-");

/**
 * Reads an LLMResult (`handleLLMEnd`'s output) through the run's provider family: finish reasons per generation (raw
 * and in schema terms), response model and id, usage (LangChain's `usage_metadata`, else the provider's own usage
 * object, else `llmOutput`), and provider-specific attributes. Streamed and non-streamed results read alike.
 */
export function readModelResponse(output: unknown, family: ProviderFamily | undefined): ModelResponse {
  const readers = readersOf(family);
  const generations = firstGenerations(output);
  const response: ModelResponse = { finishes: [], providerAttributes: {} };
  for (const generation of generations) {
    const raw = firstString(generation, readers.finishReasonAt);
    response.finishes.push(raw === undefined ? undefined : { raw, reason: normalizeFinishReason(readers, raw, hasToolCalls(generation)) });
    response.model ??= firstString(generation, readers.responseModelAt);
    response.id ??= firstString(generation, readers.responseIdAt, isProviderId);
    if (response.usage === undefined) {
      const usage = asDict(at(generation, "message.usage_metadata"));
      if (usage !== undefined) response.usage = standardUsage(usage);
    }
    for (const [attribute, paths] of Object.entries(readers.responseAttributes)) {
      const value = firstString(generation, paths);
      if (value !== undefined) response.providerAttributes[attribute] ??= value;
    }
  }
  if (response.usage === undefined) {
    for (const generation of generations) {
      response.usage = rawUsage(generation, readers);
      if (response.usage !== undefined) break;
    }
  }
  response.usage ??= llmOutputUsage(output);
  return response;
}
