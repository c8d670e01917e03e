// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from "node:fs";
import { ConfigurationError } from "./configuration-error.js";

/** The price of one model in USD per million tokens. Only `model`, `input` and `output` are required. */
export interface ModelPrice {
  /** A `gen_ai.provider.name` value (`openai`, `anthropic`, `aws.bedrock`, ...); without it, any provider. */
  provider?: string;
  /** The model name as the provider reports it (`gen_ai.response.model`) or as it was asked for (`gen_ai.request.model`). */
  model: string;
  input: number;
  output: number;
  /** Cached input tokens read. @default `input` */
  cacheRead?: number;
  /** Input tokens written to the provider's cache. @default `input` */
  cacheWrite?: number;
  /** Reasoning output tokens. @default `output` */
  reasoning?: number;
}

/** A price table: the `pricing` option, or the JSON file `LANGCHAIN_OTEL_PRICING_FILE` names. */
export interface PricingTable {
  models: readonly ModelPrice[];
}

/**
 * The built-in prices, for a few common models; a user table is merged over it. Standard (not batch, not
 * priority) rates in USD per million tokens, as published on 2025-08-15 at https://openai.com/api/pricing/ and
 * https://www.anthropic.com/pricing (cache write: the 5-minute rate). Prices change: supply your own table for
 * anything that matters.
 */
export const BUILT_IN_PRICING: PricingTable & { date: string; sources: readonly string[] } = {
  date: "2025-08-15",
  sources: ["https://openai.com/api/pricing/", "https://www.anthropic.com/pricing"],
  models: [
    { provider: "openai", model: "gpt-4o", input: 2.5, cacheRead: 1.25, output: 10 },
    { provider: "openai", model: "gpt-4o-2024-08-06", input: 2.5, cacheRead: 1.25, output: 10 },
    { provider: "openai", model: "gpt-4o-mini", input: 0.15, cacheRead: 0.075, output: 0.6 },
    { provider: "openai", model: "gpt-4o-mini-2024-07-18", input: 0.15, cacheRead: 0.075, output: 0.6 },
    { provider: "openai", model: "gpt-4.1", input: 2, cacheRead: 0.5, output: 8 },
    { provider: "openai", model: "gpt-4.1-mini", input: 0.4, cacheRead: 0.1, output: 1.6 },
    { provider: "openai", model: "gpt-4.1-nano", input: 0.1, cacheRead: 0.025, output: 0.4 },
    { provider: "openai", model: "o3", input: 2, cacheRead: 0.5, output: 8 },
    { provider: "openai", model: "o4-mini", input: 1.1, cacheRead: 0.275, output: 4.4 },
    { provider: "openai", model: "gpt-5", input: 1.25, cacheRead: 0.125, output: 10 },
    { provider: "openai", model: "gpt-5-mini", input: 0.25, cacheRead: 0.025, output: 2 },
    { provider: "openai", model: "gpt-5-nano", input: 0.05, cacheRead: 0.005, output: 0.4 },
    { provider: "anthropic", model: "claude-opus-4-1-20250805", input: 15, cacheWrite: 18.75, cacheRead: 1.5, output: 75 },
    { provider: "anthropic", model: "claude-sonnet-4-20250514", input: 3, cacheWrite: 3.75, cacheRead: 0.3, output: 15 },
    { provider: "anthropic", model: "claude-3-5-haiku-20241022", input: 0.8, cacheWrite: 1, cacheRead: 0.08, output: 4 },
  ],
};

/** Token counts of one call, as the span's `gen_ai.usage.*` attributes carry them. */
export interface TokenUsage {
  /** All input tokens, cached ones included (the GenAI conventions' and LangChain's `input_tokens`). */
  input: number;
  /** All output tokens, reasoning ones included. */
  output: number;
  cacheRead?: number | undefined;
  cacheWrite?: number | undefined;
  reasoning?: number | undefined;
}

const PRICE_KEYS = ["input", "output", "cacheRead", "cacheWrite", "reasoning"] as const;

/** Checks a price table's shape; throws {@link ConfigurationError} naming `source` and the bad entry. */
export function parsePricingTable(value: unknown, source: string): PricingTable {
  const models = (value as { models?: unknown } | null)?.models;
  if (value === null || typeof value !== "object" || !Array.isArray(models)) {
    throw new ConfigurationError(`${source} is not a price table: expected { "models": [ { "model", "input", "output", ... } ] }`);
  }
  return {
    models: models.map((entry: unknown, i): ModelPrice => {
      const where = `${source}: models[${i}]`;
      if (entry === null || typeof entry !== "object") throw new ConfigurationError(`${where} is not an object`);
      const e = entry as Record<string, unknown>;
      if (typeof e["model"] !== "string" || e["model"] === "") throw new ConfigurationError(`${where}.model must be a non-empty string`);
      if (e["provider"] !== undefined && typeof e["provider"] !== "string") throw new ConfigurationError(`${where}.provider must be a string`);
      const price: ModelPrice = { model: e["model"], input: 0, output: 0 };
      if (typeof e["provider"] === "string") price.provider = e["provider"];
      for (const key of PRICE_KEYS) {
        const v = e[key];
        if (v === undefined && (key === "input" || key === "output")) {
          throw new ConfigurationError(`${where}.${key} is required (USD per million tokens)`);
        }
        if (v === undefined) continue;
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
          throw new ConfigurationError(`${where}.${key}=${JSON.stringify(v)} is not a non-negative number (USD per million tokens)`);
        }
        price[key] = v;
      }
      return price;
    }),
  };
}

/** Reads and checks the JSON price table at `file`; throws {@link ConfigurationError} naming `source`. */
export function loadPricingFile(file: string, source: string): PricingTable {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigurationError(`${source}=${JSON.stringify(file)} cannot be read: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigurationError(`${source}=${JSON.stringify(file)} is not JSON: ${(err as Error).message}`);
  }
  return parsePricingTable(json, `${source}=${JSON.stringify(file)}`);
}

const key = (provider: string | undefined, model: string): string => `${provider ?? "*"}\u0000${model}`;

/**
 * Prices by provider and model: the user's table over the built-in one. A lookup is exact (no guessing from
 * similar names); an entry without a provider matches any provider, an entry with one wins over it.
 */
export class PriceList {
  private readonly _prices = new Map<string, ModelPrice>();

  constructor(user: PricingTable | undefined, builtIn: PricingTable = BUILT_IN_PRICING) {
    for (const table of [builtIn, user]) {
      for (const price of table?.models ?? []) this._prices.set(key(price.provider, price.model), price);
    }
  }

  /** The price of `model` from `provider`, or undefined when the table does not list it. */
  lookup(provider: string | undefined, model: string): ModelPrice | undefined {
    return (provider !== undefined ? this._prices.get(key(provider, model)) : undefined) ?? this._prices.get(key(undefined, model));
  }

  /**
   * The cost in USD of one call: the first of `models` (response model, then request model) with a price.
   * Cached and reasoning tokens are priced at their own rate and the rest at the base rate. Undefined when no
   * model has a price.
   */
  cost(provider: string | undefined, models: readonly (string | undefined)[], usage: TokenUsage): number | undefined {
    let price: ModelPrice | undefined;
    for (const model of models) {
      if (model !== undefined && (price = this.lookup(provider, model)) !== undefined) break;
    }
    if (price === undefined) return undefined;
    const cacheRead = usage.cacheRead ?? 0;
    const cacheWrite = usage.cacheWrite ?? 0;
    const reasoning = usage.reasoning ?? 0;
    const micros =
      Math.max(0, usage.input - cacheRead - cacheWrite) * price.input +
      cacheRead * (price.cacheRead ?? price.input) +
      cacheWrite * (price.cacheWrite ?? price.input) +
      Math.max(0, usage.output - reasoning) * price.output +
      reasoning * (price.reasoning ?? price.output);
    // Twelve decimals: exact for any realistic count, free of binary noise in the exported value.
    return Math.round((micros / 1e6) * 1e12) / 1e12;
  }
}
