// SPDX-License-Identifier: Apache-2.0
import { ValueType, type Attributes, type AttributeValue, type Counter, type Histogram, type Meter } from "@opentelemetry/api";
import type { RunObserver, RunOutcome, RunView } from "./run-tracker.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_TOKEN_TYPE,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_LANGCHAIN_REDACTION_KIND,
  ATTR_LANGCHAIN_REDACTIONS_PREFIX,
  ATTR_LANGCHAIN_RUN_TYPE,
  ATTR_LANGCHAIN_STATUS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  GEN_AI_DURATION_BUCKETS,
  GEN_AI_TOKEN_TYPE_INPUT,
  GEN_AI_TOKEN_TYPE_OUTPUT,
  GEN_AI_TOKEN_USAGE_BUCKETS,
  METRIC_GEN_AI_CLIENT_OPERATION_DURATION,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
  METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
  METRIC_LANGCHAIN_GEN_AI_COST,
  METRIC_LANGCHAIN_REDACTIONS,
  METRIC_LANGCHAIN_RUNS,
} from "./semconv.js";

interface Instruments {
  tokenUsage: Histogram;
  duration: Histogram;
  timeToFirstChunk: Histogram;
  timePerOutputChunk: Histogram;
  runs: Counter;
  redactions: Counter;
  cost: Counter;
}

function createInstruments(meter: Meter): Instruments {
  const seconds = (name: string, description: string): Histogram =>
    meter.createHistogram(name, {
      description,
      unit: "s",
      valueType: ValueType.DOUBLE,
      advice: { explicitBucketBoundaries: [...GEN_AI_DURATION_BUCKETS] },
    });
  return {
    tokenUsage: meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
      description: "Number of input and output tokens used.",
      unit: "{token}",
      valueType: ValueType.INT,
      advice: { explicitBucketBoundaries: [...GEN_AI_TOKEN_USAGE_BUCKETS] },
    }),
    duration: seconds(METRIC_GEN_AI_CLIENT_OPERATION_DURATION, "GenAI operation duration."),
    timeToFirstChunk: seconds(METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK, "Time to receive the first chunk of a streamed response."),
    timePerOutputChunk: seconds(
      METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
      "Time between consecutive chunks of a streamed response, after the first.",
    ),
    runs: meter.createCounter(METRIC_LANGCHAIN_RUNS, { description: "LangChain runs ended, by run type and status.", unit: "{run}", valueType: ValueType.INT }),
    redactions: meter.createCounter(METRIC_LANGCHAIN_REDACTIONS, {
      description: "Values replaced by redaction, by detector or rule.",
      unit: "{value}",
      valueType: ValueType.INT,
    }),
    cost: meter.createCounter(METRIC_LANGCHAIN_GEN_AI_COST, {
      description: "USD spent on model calls whose model has a price.",
      unit: "{USD}",
      valueType: ValueType.DOUBLE,
    }),
  };
}

const MODEL_RUN_TYPES = new Set(["chat_model", "llm"]);
// Request-side attributes of the GenAI client metrics, as the run's identity carries them.
const REQUEST_KEYS = [ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT];

function pick(target: Attributes, source: Readonly<Record<string, AttributeValue>>, keys: readonly string[]): void {
  for (const k of keys) if (source[k] !== undefined) target[k] = source[k];
}

/**
 * Records the GenAI client metrics of model runs (`gen_ai.client.token.usage`, `.operation.duration`,
 * `.time_to_first_chunk`, `.time_per_output_chunk`) and our run, redaction and cost counters, from what the run
 * tracker observes. Instruments follow the current meter (the instrumentation's meter provider can change).
 */
export class RunMetrics implements RunObserver {
  private readonly _meter: () => Meter;
  private _instrumentsOf: { meter: Meter; instruments: Instruments } | undefined;
  private readonly _chunkAttributes = new WeakMap<RunView, Attributes>();

  constructor(meter: () => Meter) {
    this._meter = meter;
  }

  private get _instruments(): Instruments {
    const meter = this._meter();
    if (this._instrumentsOf?.meter !== meter) this._instrumentsOf = { meter, instruments: createInstruments(meter) };
    return this._instrumentsOf.instruments;
  }

  chunkInterval(run: RunView, millis: number): void {
    if (!MODEL_RUN_TYPES.has(run.info.runType)) return;
    // A streamed answer records once per chunk: its attributes are picked once per run (a model run's request
    // attributes do not change while it runs) and never changed afterwards.
    let attrs = this._chunkAttributes.get(run);
    if (attrs === undefined) {
      attrs = {};
      pick(attrs, run.identity, REQUEST_KEYS);
      this._chunkAttributes.set(run, attrs);
    }
    this._instruments.timePerOutputChunk.record(millis / 1000, attrs);
  }

  ended(run: RunView, outcome: RunOutcome): void {
    const instruments = this._instruments;
    const end = outcome.attributes;
    const errorType = outcome.status === "error" ? end[ATTR_ERROR_TYPE] : undefined;

    const runAttrs: Attributes = { [ATTR_LANGCHAIN_RUN_TYPE]: run.info.runType, [ATTR_LANGCHAIN_STATUS]: outcome.status };
    if (errorType !== undefined) runAttrs[ATTR_ERROR_TYPE] = errorType;
    instruments.runs.add(1, runAttrs);
    this._countRedactions(instruments, run.startRedactions, end);

    if (!MODEL_RUN_TYPES.has(run.info.runType)) return;
    const attrs: Attributes = {};
    pick(attrs, run.identity, REQUEST_KEYS);
    pick(attrs, end, [ATTR_GEN_AI_RESPONSE_MODEL]);
    instruments.duration.record(outcome.durationMillis / 1000, errorType === undefined ? attrs : { ...attrs, [ATTR_ERROR_TYPE]: errorType });
    if (run.firstChunkAtMillis !== undefined) {
      instruments.timeToFirstChunk.record((run.firstChunkAtMillis - run.startedAtMillis) / 1000, attrs);
    }
    for (const [key, type] of [
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS, GEN_AI_TOKEN_TYPE_INPUT],
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS, GEN_AI_TOKEN_TYPE_OUTPUT],
    ] as const) {
      const tokens = end[key];
      if (typeof tokens === "number") instruments.tokenUsage.record(tokens, { ...attrs, [ATTR_GEN_AI_TOKEN_TYPE]: type });
    }
    const cost = end[ATTR_GEN_AI_USAGE_COST];
    if (typeof cost === "number") instruments.cost.add(cost, attrs);
  }

  private _countRedactions(
    instruments: Instruments,
    start: Readonly<Record<string, number>> | undefined,
    end: Readonly<Record<string, AttributeValue>>,
  ): void {
    for (const counts of [start, end]) {
      if (counts === undefined) continue;
      for (const k of Object.keys(counts)) {
        const n = counts[k];
        if (!k.startsWith(ATTR_LANGCHAIN_REDACTIONS_PREFIX) || typeof n !== "number") continue;
        instruments.redactions.add(n, { [ATTR_LANGCHAIN_REDACTION_KIND]: k.slice(ATTR_LANGCHAIN_REDACTIONS_PREFIX.length) });
      }
    }
  }
}
