// SPDX-License-Identifier: Apache-2.0
import type { LoggerProvider, MeterProvider, Span, TracerProvider } from "@opentelemetry/api";
import type { InstrumentationConfig } from "@opentelemetry/instrumentation";

import type { RedactionOptions } from "./redaction/types.js";
import type { PricingTable } from "./pricing.js";

/**
 * What payload content (messages, prompts, inputs, outputs, tool arguments and results, documents, metadata,
 * error messages) leaves the process.
 * - `redacted`: the serialized payload with secrets and personal data replaced in-process (see {@link RedactionOptions}).
 * - `full`: the serialized payload as is, within `maxPayloadBytes`.
 * - `none`: no content; only each payload's size in bytes and SHA-256, so records can still be matched.
 */
export type ContentPolicy = "redacted" | "full" | "none";

/** The LangChain run kinds this package maps to spans. */
export type RunType =
  | "chain"
  | "prompt"
  | "parser"
  | "lambda"
  | "llm"
  | "chat_model"
  | "tool"
  | "retriever"
  | "agent"
  | "graph"
  | "graph_node"
  | "embedding";

/** What a span hook is told about the run behind a span. */
export interface RunInfo {
  runId: string;
  parentRunId: string | undefined;
  runType: RunType;
  name: string;
  tags: readonly string[];
  metadata: Readonly<Record<string, unknown>>;
}

/** Called right after a run's span starts; runs guarded (a throw is logged, never propagated). */
export type SpanStartHook = (span: Span, run: RunInfo) => void;
/** Called right before a run's span ends, with the run's output or error; runs guarded. */
export type SpanEndHook = (span: Span, run: RunInfo, result: { output?: unknown; error?: unknown }) => void;

/** Options shared by {@link OpenTelemetryCallbackHandler} and {@link LangChainInstrumentation}. */
export interface LangChainTracingOptions {
  /**
   * What payload content is put on spans and audit records. Env: `LANGCHAIN_OTEL_CONTENT_POLICY`; without it,
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=false` means `none` (and `true` the default).
   * @default "redacted"
   */
  contentPolicy?: ContentPolicy;
  /**
   * Detectors, user rules and replacement of the `redacted` policy. Env for the replacement:
   * `LANGCHAIN_OTEL_REDACTION_REPLACEMENT` (`marker` or `hmac`); the HMAC key: `LANGCHAIN_OTEL_REDACTION_KEY`.
   * @default every built-in detector, no user rules, `[REDACTED:<kind>]` markers
   */
  redaction?: RedactionOptions;
  /**
   * `marker` or `hmac` (keyed pseudonyms that keep records joinable), when `redaction.replacement` is not given.
   * Env: `LANGCHAIN_OTEL_REDACTION_REPLACEMENT`.
   * @default "marker"
   */
  redactionReplacement?: "marker" | "hmac";
  /**
   * Byte budget of one payload attribute (UTF-8). Longer values are cut with a marker that
   * carries the original size and the SHA-256 of the full value. Env: `LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES`.
   * @default 8192
   */
  maxPayloadBytes?: number;
  /**
   * A run whose end never arrives is ended with status ERROR this long after it started
   * (abandoned streams, lost callbacks). Env: `LANGCHAIN_OTEL_RUN_TTL_MILLIS`.
   * @default 600000 (10 minutes)
   */
  runTtlMillis?: number;
  /**
   * Metadata keys read as session / user / tenant / conversation ids, in order of preference.
   * @default see {@link DEFAULT_CONTEXT_KEYS}
   */
  contextKeys?: Partial<ContextKeys>;
  /**
   * Whether runs become spans. With `false`, audit records still carry run-derived trace and span IDs.
   * Env: `LANGCHAIN_OTEL_SPANS`.
   * @default true
   */
  emitSpans?: boolean;
  /**
   * Whether each run start, end and error also becomes an OpenTelemetry log record (`event.name`
   * `langchain.run.start|end|error`), the audit stream. Env: `LANGCHAIN_OTEL_AUDIT_RECORDS`.
   * @default true
   */
  emitAuditRecords?: boolean;
  /**
   * Model prices (USD per million tokens) for `gen_ai.usage.cost` on chat and LLM spans and records, merged over
   * the small built-in table ({@link BUILT_IN_PRICING}): the table itself, or the path of a JSON file holding it.
   * A model in neither table gets no cost. Env: `LANGCHAIN_OTEL_PRICING_FILE`.
   * @default the built-in table only
   */
  pricing?: PricingTable | string;
  /** Called after each run span starts. */
  spanStartHook?: SpanStartHook;
  /** Called before each run span ends. */
  spanEndHook?: SpanEndHook;
}

/** Metadata keys that name the identity a run belongs to. */
export interface ContextKeys {
  session: readonly string[];
  user: readonly string[];
  tenant: readonly string[];
  conversation: readonly string[];
  appVersion: readonly string[];
  promptName: readonly string[];
  promptVersion: readonly string[];
}

/**
 * Who and what a run tree serves, set with {@link withAuditContext}: every span and audit record of the runs
 * started inside carries it. Run metadata (see {@link ContextKeys}) wins over it where both are set.
 */
export interface AuditContext {
  sessionId?: string;
  userId?: string;
  tenantId?: string;
  conversationId?: string;
  appVersion?: string;
  promptName?: string;
  promptVersion?: string;
}

/** Options of {@link OpenTelemetryCallbackHandler}. */
export interface OpenTelemetryCallbackHandlerOptions extends LangChainTracingOptions {
  /**
   * Where the handler gets its tracer.
   * @default the global tracer provider
   */
  tracerProvider?: TracerProvider;
  /**
   * Where the handler gets its logger for audit records.
   * @default the global logger provider
   */
  loggerProvider?: LoggerProvider;
  /**
   * Where the handler gets its meter for the GenAI client metrics and the `langchain.*` counters.
   * @default the global meter provider
   */
  meterProvider?: MeterProvider;
}

/** Configuration of {@link LangChainInstrumentation}. */
export interface LangChainInstrumentationConfig extends InstrumentationConfig, LangChainTracingOptions {}
