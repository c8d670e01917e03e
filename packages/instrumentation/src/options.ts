import type { ContentPolicy, ContextKeys, LangChainTracingOptions, SpanEndHook, SpanStartHook } from "./types.js";
import { ConfigurationError } from "./configuration-error.js";
import { Redactor } from "./redaction/index.js";

export { ConfigurationError };
import { DEFAULT_CONTEXT_KEYS } from "./audit-context.js";

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
  spanStartHook: SpanStartHook | undefined;
  spanEndHook: SpanEndHook | undefined;
}

export const CONTENT_POLICIES: readonly ContentPolicy[] = ["redacted", "full", "none"];
export const DEFAULT_CONTENT_POLICY: ContentPolicy = "redacted";
export const DEFAULT_MAX_PAYLOAD_BYTES = 8192;
export const DEFAULT_RUN_TTL_MILLIS = 600_000;

type Env = Readonly<Record<string, string | undefined>>;


const quote = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

function positiveInteger(value: unknown, source: string): number {
  const n = typeof value === "string" ? Number(value.trim()) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) {
    throw new ConfigurationError(`${source}=${quote(value)} is not a positive integer`);
  }
  return n;
}

function booleanSetting(value: unknown, source: string): boolean {
  if (typeof value === "boolean") return value;
  const v = typeof value === "string" ? value.trim().toLowerCase() : value;
  if (v === "true") return true;
  if (v === "false") return false;
  throw new ConfigurationError(`${source}=${quote(value)} is not one of: true, false`);
}

function replacementSetting(value: unknown, source: string): "marker" | "hmac" {
  const v = typeof value === "string" ? value.trim().toLowerCase() : value;
  if (v === "marker" || v === "hmac") return v;
  throw new ConfigurationError(`${source}=${quote(value)} is not one of: marker, hmac`);
}

function contentPolicy(value: unknown, source: string): ContentPolicy {
  const v = typeof value === "string" ? value.trim().toLowerCase() : value;
  if (!CONTENT_POLICIES.includes(v as ContentPolicy)) {
    throw new ConfigurationError(`${source}=${quote(value)} is not one of: ${CONTENT_POLICIES.join(", ")}`);
  }
  return v as ContentPolicy;
}

/**
 * Applies defaults: an explicit option wins, then the `LANGCHAIN_OTEL_*` environment variable, then the default.
 * Throws {@link ConfigurationError} naming the option or variable for a bad value.
 */
export function resolveTracingOptions(options: LangChainTracingOptions = {}, env: Env = process.env): ResolvedTracingOptions {
  const pick = <K extends keyof LangChainTracingOptions, T>(
    name: K,
    envName: string,
    parse: (v: unknown, source: string) => T,
    fallback: T,
  ): T => {
    if (options[name] !== undefined) return parse(options[name], `option ${name}`);
    const fromEnv = env[envName];
    return fromEnv !== undefined && fromEnv.trim() !== "" ? parse(fromEnv, envName) : fallback;
  };
  const policy = pick("contentPolicy", "LANGCHAIN_OTEL_CONTENT_POLICY", contentPolicy, DEFAULT_CONTENT_POLICY);
  const replacement = pick("redactionReplacement", "LANGCHAIN_OTEL_REDACTION_REPLACEMENT", replacementSetting, "marker");
  return {
    contentPolicy: policy,
    redactor: policy === "redacted" ? new Redactor({ ...options.redaction, replacement: options.redaction?.replacement ?? replacement }, env) : undefined,
    maxPayloadBytes: pick("maxPayloadBytes", "LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES", positiveInteger, DEFAULT_MAX_PAYLOAD_BYTES),
    runTtlMillis: pick("runTtlMillis", "LANGCHAIN_OTEL_RUN_TTL_MILLIS", positiveInteger, DEFAULT_RUN_TTL_MILLIS),
    emitSpans: pick("emitSpans", "LANGCHAIN_OTEL_SPANS", booleanSetting, true),
    emitAuditRecords: pick("emitAuditRecords", "LANGCHAIN_OTEL_AUDIT_RECORDS", booleanSetting, true),
    contextKeys: { ...DEFAULT_CONTEXT_KEYS, ...options.contextKeys },
    spanStartHook: options.spanStartHook,
    spanEndHook: options.spanEndHook,
  };
}
