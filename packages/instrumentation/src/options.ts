// SPDX-License-Identifier: Apache-2.0
import type { ContentPolicy, ContextKeys, LangChainTracingOptions, SpanEndHook, SpanStartHook } from "./types.js";
import { ConfigurationError } from "./configuration-error.js";
import type { KeyObject } from "node:crypto";
import { Redactor } from "./redaction/index.js";
import { DEFAULT_CONTEXT_KEYS } from "./audit-context.js";
import { booleanValue, oneOf, positiveInteger, setting, type Env } from "./setting-parsers.js";
import { loadPricingFile, parsePricingTable, PriceList } from "./pricing.js";
import { resolveHmacKey } from "./redaction/config.js";

export { ConfigurationError };

/** {@link LangChainTracingOptions} with every default applied. */
export interface ResolvedTracingOptions {
  contentPolicy: ContentPolicy;
  maxPayloadBytes: number;
  runTtlMillis: number;
  emitSpans: boolean;
  emitAuditRecords: boolean;
  contextKeys: ContextKeys;
  /** The redactor of policy `redacted`; undefined under `full` and `none`. */
  redactor: Redactor | undefined;
  /** The built-in prices with the user's over them. */
  prices: PriceList;
  /**
   * Key of the digests policy `none` exports (HMAC-SHA-256): the deployment's (`redaction.hmacKey`,
   * `LANGCHAIN_OTEL_REDACTION_KEY`), else a random per-process key. Undefined under `full` (a plain SHA-256 then).
   */
  digestKey: KeyObject | undefined;
  spanStartHook: SpanStartHook | undefined;
  spanEndHook: SpanEndHook | undefined;
}

export const CONTENT_POLICIES: readonly ContentPolicy[] = ["redacted", "full", "none"];
export const DEFAULT_CONTENT_POLICY: ContentPolicy = "redacted";
export const DEFAULT_MAX_PAYLOAD_BYTES = 8192;
export const DEFAULT_RUN_TTL_MILLIS = 600_000;

function replacementSetting(value: unknown, source: string): "marker" | "hmac" {
  return oneOf(value, source, ["marker", "hmac"] as const);
}

function contentPolicy(value: unknown, source: string): ContentPolicy {
  return oneOf(value, source, CONTENT_POLICIES);
}

/** `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT`: `true` / `false`, as the OTel GenAI instrumentations read it. */
export const CAPTURE_MESSAGE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

function pricingSetting(value: unknown, source: string) {
  return typeof value === "string" ? loadPricingFile(value.trim(), source) : parsePricingTable(value, source);
}

/**
 * Applies defaults: an explicit option wins, then the `LANGCHAIN_OTEL_*` environment variable, then the default.
 * Throws {@link ConfigurationError} naming the option or variable for a bad value.
 */
export function resolveTracingOptions(options: LangChainTracingOptions = {}, env: Env = process.env): ResolvedTracingOptions {
  const pick = <K extends keyof LangChainTracingOptions, T>(name: K, envName: string, parse: (v: unknown, source: string) => T, fallback: T): T =>
    setting(options[name], name, env, envName, parse, fallback);
  // The variable other GenAI instrumentations read: `false` means no content; ours wins when both are set.
  const captureContent = env[CAPTURE_MESSAGE_CONTENT_ENV];
  const captureDefault =
    captureContent !== undefined && captureContent.trim() !== "" && !booleanValue(captureContent, CAPTURE_MESSAGE_CONTENT_ENV)
      ? "none"
      : DEFAULT_CONTENT_POLICY;
  const policy = pick("contentPolicy", "LANGCHAIN_OTEL_CONTENT_POLICY", contentPolicy, captureDefault);
  const replacement = pick("redactionReplacement", "LANGCHAIN_OTEL_REDACTION_REPLACEMENT", replacementSetting, "marker");
  return {
    contentPolicy: policy,
    digestKey: policy === "full" ? undefined : resolveHmacKey(options.redaction?.hmacKey, env),
    redactor: policy === "redacted" ? new Redactor({ ...options.redaction, replacement: options.redaction?.replacement ?? replacement }, env) : undefined,
    maxPayloadBytes: pick("maxPayloadBytes", "LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES", positiveInteger, DEFAULT_MAX_PAYLOAD_BYTES),
    runTtlMillis: pick("runTtlMillis", "LANGCHAIN_OTEL_RUN_TTL_MILLIS", positiveInteger, DEFAULT_RUN_TTL_MILLIS),
    emitSpans: pick("emitSpans", "LANGCHAIN_OTEL_SPANS", booleanValue, true),
    emitAuditRecords: pick("emitAuditRecords", "LANGCHAIN_OTEL_AUDIT_RECORDS", booleanValue, true),
    contextKeys: { ...DEFAULT_CONTEXT_KEYS, ...options.contextKeys },
    prices: new PriceList(pick("pricing", "LANGCHAIN_OTEL_PRICING_FILE", pricingSetting, undefined)),
    spanStartHook: options.spanStartHook,
    spanEndHook: options.spanEndHook,
  };
}
