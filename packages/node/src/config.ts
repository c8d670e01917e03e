import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigurationError, resolveTracingOptions, type ContentPolicy } from "@langchain-otel/instrumentation";
import { parseKeyPairsIntoRecord } from "@opentelemetry/core";
import type { OtlpTarget } from "./spool/otlp-target.js";
import type { LangChainOtelOptions } from "./types.js";

// One error class for every configuration mistake, whichever package finds it.
export { ConfigurationError };

export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5000;
export const DEFAULT_AUDIT_DIR = "./audit";
export const DEFAULT_SERVICE_NAME = "langchain-app";
export const TRACES_FILE_NAME = "traces.jsonl";
export const LOGS_FILE_NAME = "logs.jsonl";
export const DEFAULT_SPOOL_DIR = ".langchain-otel/spool";
export const DEFAULT_SPOOL_MAX_BYTES = 2 ** 30;
/**
 * Queue size of the audit pipeline's batch processors unless `OTEL_BSP_MAX_QUEUE_SIZE` / `OTEL_BLRP_MAX_QUEUE_SIZE`
 * say otherwise: far above the SDK's 2048, because a full queue drops spans and audit records.
 */
export const DEFAULT_MAX_QUEUE_SIZE = 65_536;
/** The OTLP exporters' request timeout when no `OTEL_EXPORTER_OTLP_*TIMEOUT` sets one (their own default). */
export const DEFAULT_OTLP_TIMEOUT_MILLIS = 10_000;

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Batch processor settings from the standard `OTEL_BSP_*` (spans) or `OTEL_BLRP_*` (log records) variables;
 * unset ones keep the SDK's defaults, except `maxQueueSize` ({@link DEFAULT_MAX_QUEUE_SIZE}).
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
      /** URL, headers and timeout of the OTLP traces exporter (and of the spool's replayer) when spans go over OTLP. */
      otlpTraces: OtlpTarget | undefined;
      /** Where audit records go; `none` when they are off (then no log record processor is set up). */
      logsExporter: "otlp" | "file" | "none";
      /** The same for the OTLP logs exporter, when audit records go over OTLP. */
      otlpLogs: OtlpTarget | undefined;
      /** Absolute audit directory, when either signal is written to a file. */
      auditDir: string | undefined;
      /** Absolute spool directory, when either signal goes over OTLP. */
      spoolDir: string | undefined;
      /** Byte cap of the spool. */
      spoolMaxBytes: number;
      /** Explicit `serviceInstanceId` option. */
      serviceInstanceId: string | undefined;
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
  const settings: BatchSettings = { maxQueueSize: DEFAULT_MAX_QUEUE_SIZE };
  const read = (suffix: string, key: keyof BatchSettings) => {
    const name = `${prefix}_${suffix}`;
    const raw = fromEnv(env, name);
    if (raw === undefined) return;
    const n = Number(raw.trim());
    if (!Number.isFinite(n) || n < 0) {
      warnings.push(`${name}=${quote(raw)} is not a non-negative number; using the default`);
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

/** One signal's OTLP settings: the part of its variables' names that says which (`TRACES`) and its URL path. */
interface OtlpSignal {
  readonly id: "TRACES" | "LOGS";
  readonly path: "v1/traces" | "v1/logs";
}

const TRACES: OtlpSignal = { id: "TRACES", path: "v1/traces" };
const LOGS: OtlpSignal = { id: "LOGS", path: "v1/logs" };

/** A positive request timeout from the variable, else undefined (the exporter warns about a bad one itself). */
function timeoutFromEnv(env: Env, name: string): number | undefined {
  const raw = fromEnv(env, name);
  if (raw === undefined) return undefined;
  const n = Number(raw.trim());
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/**
 * Where one signal goes: OTLP with the target resolved as the OTLP/HTTP exporter resolves it (so the exporter and
 * the spool's replayer, both given this target, send to the same place with the same headers), or the file.
 * URL: the `otlpEndpoint` option (a base URL, already checked) + the signal's path; else the signal's own
 * endpoint variable as is; else `OTEL_EXPORTER_OTLP_ENDPOINT` + the path; without any, the file.
 * Headers: `OTEL_EXPORTER_OTLP_HEADERS`, overridden key by key by the signal's own variable.
 * Timeout: the signal's own variable, else `OTEL_EXPORTER_OTLP_TIMEOUT`, else the exporter's default.
 */
function otlpTarget(base: string | undefined, env: Env, signal: OtlpSignal): OtlpTarget | undefined {
  const specificName = `OTEL_EXPORTER_OTLP_${signal.id}_ENDPOINT`;
  const specific = fromEnv(env, specificName);
  const generic = fromEnv(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  // Each variable is checked even when another one wins, so a typo is found now.
  if (specific !== undefined) httpUrl(specific, specificName);
  if (generic !== undefined) httpUrl(generic, "OTEL_EXPORTER_OTLP_ENDPOINT");
  let url: string;
  if (base !== undefined) url = `${base}/${signal.path}`;
  else if (specific !== undefined) url = new URL(specific.trim()).toString();
  else if (generic !== undefined) url = new URL(generic.trim().replace(/\/?$/, "/") + signal.path).toString();
  else return undefined;
  return {
    url,
    headers: {
      ...parseKeyPairsIntoRecord(fromEnv(env, "OTEL_EXPORTER_OTLP_HEADERS")),
      ...parseKeyPairsIntoRecord(fromEnv(env, `OTEL_EXPORTER_OTLP_${signal.id}_HEADERS`)),
    },
    timeoutMillis:
      timeoutFromEnv(env, `OTEL_EXPORTER_OTLP_${signal.id}_TIMEOUT`) ?? timeoutFromEnv(env, "OTEL_EXPORTER_OTLP_TIMEOUT") ?? DEFAULT_OTLP_TIMEOUT_MILLIS,
  };
}

// The spool's replayer sends with fetch, which has no place for these files; the exporter itself uses them.
function certificateWarnings(env: Env, signals: readonly OtlpSignal[], warnings: string[]): void {
  const names = new Set<string>();
  for (const signal of signals) {
    for (const kind of ["CERTIFICATE", "CLIENT_CERTIFICATE", "CLIENT_KEY"]) {
      for (const name of [`OTEL_EXPORTER_OTLP_${signal.id}_${kind}`, `OTEL_EXPORTER_OTLP_${kind}`]) {
        if (fromEnv(env, name) !== undefined) names.add(name);
      }
    }
  }
  if (names.size > 0) {
    warnings.push(
      `${[...names].join(", ")} ${names.size === 1 ? "is" : "are"} used by the OTLP exporters but not when the spool is replayed; ` +
        "batches spooled while the collector was unreachable are sent with the system's trust store and no client certificate",
    );
  }
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
  const otlpTraces = otlpTarget(base, env, TRACES);
  const otlpLogs = emitAuditRecords ? otlpTarget(base, env, LOGS) : undefined;
  const logsExporter = !emitAuditRecords ? "none" : otlpLogs !== undefined ? "otlp" : "file";
  const otlpSignals: Array<{ name: string; variable: string }> = [];
  if (otlpTraces !== undefined) otlpSignals.push({ name: "traces", variable: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" });
  if (otlpLogs !== undefined) otlpSignals.push({ name: "audit records", variable: "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL" });
  protocolWarnings(env, otlpSignals, warnings);
  certificateWarnings(env, [...(otlpTraces === undefined ? [] : [TRACES]), ...(otlpLogs === undefined ? [] : [LOGS])], warnings);

  let auditDir: string | undefined;
  if (otlpTraces === undefined || logsExporter === "file") {
    const dir = pick(options.auditDir, "auditDir", env, "LANGCHAIN_OTEL_AUDIT_DIR", nonEmptyString, DEFAULT_AUDIT_DIR);
    auditDir = path.resolve(context.cwd, dir);
  }
  // The spool is read from the environment even when unused, so that a bad value is found now.
  const spoolDirSetting = pick(options.spoolDir, "spoolDir", env, "LANGCHAIN_OTEL_SPOOL_DIR", nonEmptyString, DEFAULT_SPOOL_DIR);
  const spoolDir = otlpTraces !== undefined || otlpLogs !== undefined ? path.resolve(context.cwd, spoolDirSetting) : undefined;

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
    exporter: otlpTraces === undefined ? "file" : "otlp",
    otlpTraces,
    logsExporter,
    otlpLogs,
    auditDir,
    spoolDir,
    spoolMaxBytes: pick(options.spoolMaxBytes, "spoolMaxBytes", env, "LANGCHAIN_OTEL_SPOOL_MAX_BYTES", positiveInteger, DEFAULT_SPOOL_MAX_BYTES),
    serviceInstanceId:
      options.serviceInstanceId === undefined ? undefined : nonEmptyString(options.serviceInstanceId, "option serviceInstanceId"),
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
    metricsFromEnv: otlpTraces !== undefined || fromEnv(env, "OTEL_METRICS_EXPORTER") !== undefined,
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
