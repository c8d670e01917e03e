import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigurationError, resolveTracingOptions, type ContentPolicy } from "@langchain-otel/instrumentation";
import type { LangChainOtelOptions } from "./types.js";

// One error class for every configuration mistake, whichever package finds it.
export { ConfigurationError };

export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5000;
export const DEFAULT_AUDIT_DIR = "./audit";
export const DEFAULT_SERVICE_NAME = "langchain-app";
export const TRACES_FILE_NAME = "traces.jsonl";
export const LOGS_FILE_NAME = "logs.jsonl";

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Batch processor settings from the standard `OTEL_BSP_*` (spans) or `OTEL_BLRP_*` (log records) variables;
 * unset ones keep the SDK's defaults.
 */
export interface BatchSettings {
  scheduledDelayMillis?: number;
  exportTimeoutMillis?: number;
  maxQueueSize?: number;
  maxExportBatchSize?: number;
}

/** Everything {@link start} needs, with defaults applied and values checked. */
export type ResolvedConfig =
  | { disabled: true; warnings: string[] }
  | {
      disabled: false;
      /** Where spans go. */
      exporter: "otlp" | "file";
      /** Full traces URL when it came from the `otlpEndpoint` option; the exporter reads the env itself. */
      otlpTracesUrl: string | undefined;
      /** Where audit records go; `none` when they are off (then no log record processor is set up). */
      logsExporter: "otlp" | "file" | "none";
      /** Full logs URL when it came from the `otlpEndpoint` option; the exporter reads the env itself. */
      otlpLogsUrl: string | undefined;
      /** Absolute audit directory, when either signal is written to a file. */
      auditDir: string | undefined;
      /** Explicit `serviceName` option (wins over the environment). */
      serviceName: string | undefined;
      /** `service.name` used when neither the option nor the environment names the service. */
      defaultServiceName: string;
      contentPolicy: ContentPolicy;
      maxPayloadBytes: number;
      runTtlMillis: number;
      emitSpans: boolean;
      emitAuditRecords: boolean;
      shutdownTimeoutMillis: number;
      /** Batch span processor settings (`OTEL_BSP_*`). */
      batch: BatchSettings;
      /** Batch log record processor settings (`OTEL_BLRP_*`). */
      logBatch: BatchSettings;
      /**
       * Whether the SDK may build metric readers from the environment. With the embedded file exporter there is
       * no collector, so they stay off unless `OTEL_METRICS_EXPORTER` asks for them.
       */
      metricsFromEnv: boolean;
      /** Things worth a diag warning that do not stop startup. */
      warnings: string[];
    };

/** Where the config is resolved: the working directory and the app's package name, if any. */
export interface ConfigContext {
  cwd: string;
  appName?: string | undefined;
}

const quote = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

function fromEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

function oneOf<T extends string>(value: unknown, source: string, accepted: readonly T[]): T {
  const normalized = typeof value === "string" ? value.trim().toLowerCase() : value;
  if (!accepted.includes(normalized as T)) {
    throw new ConfigurationError(`${source}=${quote(value)} is not one of: ${accepted.join(", ")}`);
  }
  return normalized as T;
}

function positiveInteger(value: unknown, source: string): number {
  const n = typeof value === "string" ? Number(value.trim()) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) {
    throw new ConfigurationError(`${source}=${quote(value)} is not a positive integer`);
  }
  return n;
}

function booleanValue(value: unknown, source: string): boolean {
  if (typeof value === "boolean") return value;
  return oneOf(value, source, ["true", "false"] as const) === "true";
}

function httpUrl(value: unknown, source: string): string {
  const text = typeof value === "string" ? value.trim() : "";
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new ConfigurationError(`${source}=${quote(value)} is not an http(s) URL`);
  }
  return text;
}

function nonEmptyString(value: unknown, source: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigurationError(`${source}=${quote(value)} is not a non-empty string`);
  }
  return value;
}

/**
 * One setting: the option if given (`option <name>` in errors), else the environment variable, else the default.
 */
function pick<T>(
  option: unknown,
  optionName: string,
  env: Env,
  envName: string,
  parse: (value: unknown, source: string) => T,
  fallback: T,
): T {
  if (option !== undefined) return parse(option, `option ${optionName}`);
  const raw = fromEnv(env, envName);
  return raw === undefined ? fallback : parse(raw, envName);
}

// OTEL_* variables follow the OpenTelemetry spec: an invalid value is ignored with a warning, not fatal.
function batchSettings(env: Env, prefix: "OTEL_BSP" | "OTEL_BLRP", warnings: string[]): BatchSettings {
  const settings: BatchSettings = {};
  const read = (suffix: string, key: keyof BatchSettings) => {
    const name = `${prefix}_${suffix}`;
    const raw = fromEnv(env, name);
    if (raw === undefined) return;
    const n = Number(raw.trim());
    if (!Number.isFinite(n) || n < 0) {
      warnings.push(`${name}=${quote(raw)} is not a non-negative number; using the SDK default`);
      return;
    }
    settings[key] = n;
  };
  read("SCHEDULE_DELAY", "scheduledDelayMillis");
  read("EXPORT_TIMEOUT", "exportTimeoutMillis");
  read("MAX_QUEUE_SIZE", "maxQueueSize");
  read("MAX_EXPORT_BATCH_SIZE", "maxExportBatchSize");
  return settings;
}

/** Where one signal goes, and its full URL when that came from the `otlpEndpoint` option. */
interface SignalExport {
  exporter: "otlp" | "file";
  url: string | undefined;
}

/**
 * The `otlpEndpoint` option (a base URL, already checked) wins; else the signal's own variable or
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (each checked, read again by the exporter itself) mean OTLP; else the file.
 */
function signalExport(base: string | undefined, env: Env, signalVariable: string, signalPath: string): SignalExport {
  if (base !== undefined) return { exporter: "otlp", url: `${base}/${signalPath}` };
  let exporter: SignalExport["exporter"] = "file";
  for (const name of [signalVariable, "OTEL_EXPORTER_OTLP_ENDPOINT"]) {
    const raw = fromEnv(env, name);
    if (raw === undefined) continue;
    httpUrl(raw, name);
    exporter = "otlp";
  }
  return { exporter, url: undefined };
}

// Only OTLP/HTTP with JSON bodies is built here; a gRPC setting would silently be ignored without this warning.
function protocolWarnings(env: Env, signals: ReadonlyArray<{ name: string; variable: string }>, warnings: string[]): void {
  const signalsByVariable = new Map<string, string[]>();
  for (const { name, variable } of signals) {
    for (const v of [variable, "OTEL_EXPORTER_OTLP_PROTOCOL"]) signalsByVariable.set(v, [...(signalsByVariable.get(v) ?? []), name]);
  }
  for (const [variable, names] of signalsByVariable) {
    const protocol = fromEnv(env, variable)?.trim();
    if (protocol !== undefined && protocol !== "http/json" && protocol !== "http/protobuf") {
      warnings.push(`${variable}=${quote(protocol)} is not supported here; ${names.join(" and ")} are sent as OTLP/HTTP JSON`);
    }
  }
}

/**
 * Resolves {@link LangChainOtelOptions} against the environment: an explicit option wins, then the variable,
 * then the default. A pure function of its arguments. Throws {@link ConfigurationError} for a bad value.
 */
export function resolveConfig(options: LangChainOtelOptions, env: Env, context: ConfigContext): ResolvedConfig {
  const warnings: string[] = [];
  const disabled = pick(options.disabled, "disabled", env, "LANGCHAIN_OTEL_DISABLED", booleanValue, false);
  // The SDK's own switch, with the SDK's semantics (only "true" disables; anything else is ignored).
  const sdkDisabled = fromEnv(env, "OTEL_SDK_DISABLED")?.trim().toLowerCase() === "true";
  if (disabled || sdkDisabled) return { disabled: true, warnings };

  const emitSpans = pick(options.emitSpans, "emitSpans", env, "LANGCHAIN_OTEL_SPANS", booleanValue, true);
  const emitAuditRecords = pick(options.emitAuditRecords, "emitAuditRecords", env, "LANGCHAIN_OTEL_AUDIT_RECORDS", booleanValue, true);

  const base = options.otlpEndpoint === undefined ? undefined : httpUrl(options.otlpEndpoint, "option otlpEndpoint").replace(/\/+$/, "");
  const traces = signalExport(base, env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "v1/traces");
  const logs = emitAuditRecords ? signalExport(base, env, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "v1/logs") : undefined;
  const otlpSignals: Array<{ name: string; variable: string }> = [];
  if (traces.exporter === "otlp") otlpSignals.push({ name: "traces", variable: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" });
  if (logs?.exporter === "otlp") otlpSignals.push({ name: "audit records", variable: "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL" });
  protocolWarnings(env, otlpSignals, warnings);

  let auditDir: string | undefined;
  if (traces.exporter === "file" || logs?.exporter === "file") {
    const dir = pick(options.auditDir, "auditDir", env, "LANGCHAIN_OTEL_AUDIT_DIR", nonEmptyString, DEFAULT_AUDIT_DIR);
    auditDir = path.resolve(context.cwd, dir);
  }

  // The tracing options are the instrumentation's own, resolved (and checked) by it.
  const tracing = resolveTracingOptions(
    {
      contentPolicy: options.contentPolicy,
      maxPayloadBytes: options.maxPayloadBytes,
      runTtlMillis: options.runTtlMillis,
      // Already resolved above: passed so that an option here is not second-guessed by its variable there.
      emitSpans,
      emitAuditRecords,
    },
    env,
  );
  const appName = context.appName?.trim();
  return {
    disabled: false,
    exporter: traces.exporter,
    otlpTracesUrl: traces.url,
    logsExporter: logs?.exporter ?? "none",
    otlpLogsUrl: logs?.url,
    auditDir,
    serviceName: options.serviceName === undefined ? undefined : nonEmptyString(options.serviceName, "option serviceName"),
    defaultServiceName: appName !== undefined && appName !== "" ? appName : DEFAULT_SERVICE_NAME,
    contentPolicy: tracing.contentPolicy,
    maxPayloadBytes: tracing.maxPayloadBytes,
    runTtlMillis: tracing.runTtlMillis,
    emitSpans,
    emitAuditRecords,
    shutdownTimeoutMillis: pick(
      options.shutdownTimeoutMillis,
      "shutdownTimeoutMillis",
      env,
      "LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS",
      positiveInteger,
      DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
    ),
    batch: batchSettings(env, "OTEL_BSP", warnings),
    logBatch: batchSettings(env, "OTEL_BLRP", warnings),
    metricsFromEnv: traces.exporter === "otlp" || fromEnv(env, "OTEL_METRICS_EXPORTER") !== undefined,
    warnings,
  };
}

/** The `name` in `<cwd>/package.json`, if there is one. Never throws. */
export function readAppName(cwd: string): string | undefined {
  try {
    const pkg: unknown = JSON.parse(readFileSync(path.join(cwd, "package.json"), "utf8"));
    const name = (pkg as { name?: unknown } | null)?.name;
    return typeof name === "string" && name.trim() !== "" ? name.trim() : undefined;
  } catch {
    return undefined;
  }
}
