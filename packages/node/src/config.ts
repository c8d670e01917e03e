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

type Env = Readonly<Record<string, string | undefined>>;

/** Batch span processor settings from the standard `OTEL_BSP_*` variables; unset ones keep the SDK's defaults. */
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
      exporter: "otlp" | "file";
      /** Full traces URL when it came from the `otlpEndpoint` option; the exporter reads the env itself. */
      otlpTracesUrl: string | undefined;
      /** Absolute audit directory (file exporter only). */
      auditDir: string | undefined;
      /** Explicit `serviceName` option (wins over the environment). */
      serviceName: string | undefined;
      /** `service.name` used when neither the option nor the environment names the service. */
      defaultServiceName: string;
      contentPolicy: ContentPolicy;
      maxPayloadBytes: number;
      runTtlMillis: number;
      shutdownTimeoutMillis: number;
      batch: BatchSettings;
      /**
       * Whether the SDK may build metric readers / log processors from the environment. With the embedded file
       * exporter there is no collector, so they stay off unless `OTEL_METRICS_EXPORTER` / `OTEL_LOGS_EXPORTER`
       * ask for them.
       */
      metricsFromEnv: boolean;
      logsFromEnv: boolean;
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
function batchSettings(env: Env, warnings: string[]): BatchSettings {
  const settings: BatchSettings = {};
  const read = (name: string, key: keyof BatchSettings) => {
    const raw = fromEnv(env, name);
    if (raw === undefined) return;
    const n = Number(raw.trim());
    if (!Number.isFinite(n) || n < 0) {
      warnings.push(`${name}=${quote(raw)} is not a non-negative number; using the SDK default`);
      return;
    }
    settings[key] = n;
  };
  read("OTEL_BSP_SCHEDULE_DELAY", "scheduledDelayMillis");
  read("OTEL_BSP_EXPORT_TIMEOUT", "exportTimeoutMillis");
  read("OTEL_BSP_MAX_QUEUE_SIZE", "maxQueueSize");
  read("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "maxExportBatchSize");
  return settings;
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

  let otlpTracesUrl: string | undefined;
  let exporter: "otlp" | "file" = "file";
  if (options.otlpEndpoint !== undefined) {
    const base = httpUrl(options.otlpEndpoint, "option otlpEndpoint");
    otlpTracesUrl = `${base.replace(/\/+$/, "")}/v1/traces`;
    exporter = "otlp";
  } else {
    for (const name of ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"]) {
      const raw = fromEnv(env, name);
      if (raw === undefined) continue;
      httpUrl(raw, name);
      exporter = "otlp";
    }
  }
  if (exporter === "otlp") {
    for (const name of ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
      const protocol = fromEnv(env, name)?.trim();
      if (protocol !== undefined && protocol !== "http/json" && protocol !== "http/protobuf") {
        warnings.push(`${name}=${quote(protocol)} is not supported here; traces are sent as OTLP/HTTP JSON`);
      }
    }
  }

  let auditDir: string | undefined;
  if (exporter === "file") {
    const dir = pick(options.auditDir, "auditDir", env, "LANGCHAIN_OTEL_AUDIT_DIR", nonEmptyString, DEFAULT_AUDIT_DIR);
    auditDir = path.resolve(context.cwd, dir);
  }

  // The tracing options are the instrumentation's own, resolved (and checked) by it.
  const tracing = resolveTracingOptions(
    { contentPolicy: options.contentPolicy, maxPayloadBytes: options.maxPayloadBytes, runTtlMillis: options.runTtlMillis },
    env,
  );
  const appName = context.appName?.trim();
  return {
    disabled: false,
    exporter,
    otlpTracesUrl,
    auditDir,
    serviceName: options.serviceName === undefined ? undefined : nonEmptyString(options.serviceName, "option serviceName"),
    defaultServiceName: appName !== undefined && appName !== "" ? appName : DEFAULT_SERVICE_NAME,
    contentPolicy: tracing.contentPolicy,
    maxPayloadBytes: tracing.maxPayloadBytes,
    runTtlMillis: tracing.runTtlMillis,
    shutdownTimeoutMillis: pick(
      options.shutdownTimeoutMillis,
      "shutdownTimeoutMillis",
      env,
      "LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS",
      positiveInteger,
      DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
    ),
    batch: batchSettings(env, warnings),
    metricsFromEnv: exporter === "otlp" || fromEnv(env, "OTEL_METRICS_EXPORTER") !== undefined,
    logsFromEnv: exporter === "otlp" || fromEnv(env, "OTEL_LOGS_EXPORTER") !== undefined,
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
