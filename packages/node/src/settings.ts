// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from "node:fs";
import path from "node:path";
import { ConfigurationError, type LangChainTracingOptions } from "@langchain-otel/instrumentation";
import {
  booleanValue,
  envSetting,
  fromEnv,
  nonEmptyString,
  oneOf,
  positiveInteger,
  quote,
  resolveTracingOptions,
  setting,
  type Env,
  type ResolvedTracingOptions,
} from "@langchain-otel/instrumentation/internal";
import { parseKeyPairsIntoRecord } from "@opentelemetry/core";
import { signingSettings, type SigningSettings } from "./signing-settings.js";
import type { QueueOverflow } from "./export/export-queue.js";
import { DEFAULT_FILE_MODE, fileModes, type FileModes } from "./files/private-files.js";
import type { OtlpTarget } from "./spool/otlp-target.js";
import type { LangChainOtelOptions } from "./types.js";

// One error class for every configuration mistake, whichever package finds it.
export { ConfigurationError };

export const DEFAULT_SHUTDOWN_TIMEOUT_MILLIS = 5000;
export const DEFAULT_AUDIT_DIR = "./audit";
export const DEFAULT_SERVICE_NAME = "langchain-app";
export const TRACES_FILE_NAME = "traces.jsonl";
export const LOGS_FILE_NAME = "logs.jsonl";
export const METRICS_FILE_NAME = "metrics.jsonl";
/** How often metrics are collected and exported unless `OTEL_METRIC_EXPORT_INTERVAL` says otherwise (the SDK's 60 s). */
export const DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS = 60_000;
export const DEFAULT_SPOOL_DIR = ".langchain-otel/spool";
export const DEFAULT_SPOOL_MAX_BYTES = 2 ** 30;
export const DEFAULT_JOURNAL_DIR = ".langchain-otel/journal";

/**
 * Queue size of the audit pipeline's batch processors unless `OTEL_BSP_MAX_QUEUE_SIZE` / `OTEL_BLRP_MAX_QUEUE_SIZE`
 * say otherwise: far above the SDK's 2048.
 */
export const DEFAULT_MAX_QUEUE_SIZE = 65_536;
/** The OTLP exporters' request timeout when no `OTEL_EXPORTER_OTLP_*TIMEOUT` sets one (their own default). */
export const DEFAULT_OTLP_TIMEOUT_MILLIS = 10_000;

/** Where spans go: the embedded audit file in `dir`, or OTLP/HTTP to `target`. */
export type TraceDestination = { readonly kind: "file"; readonly dir: string } | { readonly kind: "otlp"; readonly target: OtlpTarget };
/**
 * Where metrics go: `metrics.jsonl` in the audit directory, OTLP/HTTP, or readers the SDK builds from
 * `OTEL_METRICS_EXPORTER` (`env`, which also means `none`).
 */
export type MetricsDestination =
  | { readonly kind: "file"; readonly dir: string; readonly intervalMillis: number }
  | { readonly kind: "otlp"; readonly target: OtlpTarget; readonly intervalMillis: number }
  | { readonly kind: "env" };
/** Where audit records (and checkpoints) go: as spans can, or nowhere (`emitAuditRecords: false` and no signing key). */
export type LogDestination = TraceDestination | { readonly kind: "none" };

/**
 * A batch processor's settings, from the standard `OTEL_BSP_*` (spans) or `OTEL_BLRP_*` (log records) variables,
 * each a positive integer, with the SDK's defaults except `maxQueueSize` ({@link DEFAULT_MAX_QUEUE_SIZE}).
 */
export interface BatchSettings {
  readonly scheduledDelayMillis: number;
  readonly exportTimeoutMillis: number;
  readonly maxQueueSize: number;
  readonly maxExportBatchSize: number;
}

/** Everything {@link start} needs, with defaults applied and every value checked, resolved once. */
export interface Settings {
  readonly traces: TraceDestination;
  readonly logs: LogDestination;
  /** How the chains are signed (checkpoints and seals); undefined without a signing key. */
  readonly signing: SigningSettings | undefined;
  /** Absolute spool directory and its byte cap; used only by destinations of kind `otlp`. */
  readonly spool: { readonly dir: string; readonly maxBytes: number };
  /** The write-ahead journal: `{ mode: "off" }`, or `sync` with its absolute directory. */
  readonly journal: { readonly mode: "off" } | { readonly mode: "sync"; readonly dir: string };
  /** What a full export queue does: `spill` (write to disk at once, the default) or `drop` (counted and recorded). */
  readonly queueOverflow: QueueOverflow;
  /** Permissions of the audit files, spool and journal files, and of the directories created for them. */
  readonly fileModes: FileModes;
  /** Explicit `serviceInstanceId` option. */
  readonly serviceInstanceId: string | undefined;
  /** Explicit `serviceName` option (wins over the environment). */
  readonly serviceName: string | undefined;
  /** `service.name` used when neither the option nor the environment names the service. */
  readonly defaultServiceName: string;
  /** The instrumentation's options as given, and resolved: the only resolution of them in a start. */
  readonly tracingConfig: LangChainTracingOptions;
  readonly tracing: ResolvedTracingOptions;
  readonly shutdownTimeoutMillis: number;
  /** `OTEL_BSP_*`. */
  readonly spanBatch: BatchSettings;
  /** `OTEL_BLRP_*`. */
  readonly logBatch: BatchSettings;
  /** Where the GenAI metrics and `langchain.*` counters go. */
  readonly metrics: MetricsDestination;
  /** Things worth a diag warning that do not stop startup. */
  readonly warnings: readonly string[];
}

/** The settings of a start: off altogether, or everything resolved. */
export type ResolvedSettings = { readonly disabled: true; readonly warnings: readonly string[] } | ({ readonly disabled: false } & Settings);

/** Where the settings are resolved: the working directory and the app's package name, if any. */
export interface SettingsContext {
  readonly cwd: string;
  readonly appName?: string | undefined;
}

/**
 * A file mode as an octal string (`"0640"`, `"640"`) or a number: at least owner read and write (the distro must
 * write its files), nothing executable, nothing beyond 0666.
 */
function fileMode(value: unknown, source: string): number {
  const mode = typeof value === "string" && /^0?[0-7]{3}$/.test(value.trim()) ? Number.parseInt(value.trim(), 8) : value;
  if (typeof mode !== "number" || !Number.isInteger(mode) || (mode & 0o600) !== 0o600 || (mode & ~0o666) !== 0) {
    throw new ConfigurationError(`${source}=${quote(value)} is not a file mode from 0600 to 0666 without execute bits (e.g. "0640")`);
  }
  return mode;
}

/** The PEM file a TLS variable names, read now: one that cannot be read stops the start. */
function pemFile(env: Env, name: string): string | undefined {
  const file = fromEnv(env, name)?.trim();
  if (file === undefined) return undefined;
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException | undefined)?.code ?? String(err);
    throw new ConfigurationError(`${name}=${quote(file)} cannot be read (${reason}); it must name a PEM file`);
  }
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

const SDK_BATCH_DEFAULTS = {
  OTEL_BSP: { scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000, maxExportBatchSize: 512 },
  OTEL_BLRP: { scheduledDelayMillis: 1000, exportTimeoutMillis: 30_000, maxExportBatchSize: 512 },
} as const;

/**
 * A batch processor's settings. Every variable must be a positive integer: 0 or a fraction would make the SDK's
 * processor loop or drop everything. An export batch larger than the queue is cut to the queue's size, unless
 * both were set: then the pair is a mistake.
 */
function batchSettings(env: Env, prefix: "OTEL_BSP" | "OTEL_BLRP"): BatchSettings {
  const read = (suffix: string, fallback: number): number => envSetting(env, `${prefix}_${suffix}`, positiveInteger, fallback);
  const defaults = SDK_BATCH_DEFAULTS[prefix];
  const maxQueueSize = read("MAX_QUEUE_SIZE", DEFAULT_MAX_QUEUE_SIZE);
  let maxExportBatchSize = read("MAX_EXPORT_BATCH_SIZE", defaults.maxExportBatchSize);
  if (maxExportBatchSize > maxQueueSize) {
    if (fromEnv(env, `${prefix}_MAX_EXPORT_BATCH_SIZE`) !== undefined && fromEnv(env, `${prefix}_MAX_QUEUE_SIZE`) !== undefined) {
      throw new ConfigurationError(
        `${prefix}_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is larger than ${prefix}_MAX_QUEUE_SIZE=${maxQueueSize}; a batch cannot exceed the queue`,
      );
    }
    maxExportBatchSize = maxQueueSize;
  }
  return {
    scheduledDelayMillis: read("SCHEDULE_DELAY", defaults.scheduledDelayMillis),
    exportTimeoutMillis: read("EXPORT_TIMEOUT", defaults.exportTimeoutMillis),
    maxQueueSize,
    maxExportBatchSize,
  };
}

/** One signal's OTLP settings: the part of its variables' names that says which (`TRACES`) and its URL path. */
interface OtlpSignal {
  readonly id: "TRACES" | "LOGS" | "METRICS";
  readonly path: "v1/traces" | "v1/logs" | "v1/metrics";
}

const TRACES: OtlpSignal = { id: "TRACES", path: "v1/traces" };
const LOGS: OtlpSignal = { id: "LOGS", path: "v1/logs" };
const METRICS: OtlpSignal = { id: "METRICS", path: "v1/metrics" };

/**
 * Where one signal goes over OTLP, resolved as the OTLP/HTTP exporter resolves it (so the exporter and the spool's
 * replayer, both given this target, send to the same place with the same headers); undefined without an endpoint.
 * URL: the `otlpEndpoint` option (a base URL, already checked) + the signal's path; else the signal's own
 * endpoint variable as is; else `OTEL_EXPORTER_OTLP_ENDPOINT` + the path.
 * Headers: `OTEL_EXPORTER_OTLP_HEADERS`, overridden key by key by the signal's own variable.
 * Timeout: the signal's own variable, else `OTEL_EXPORTER_OTLP_TIMEOUT`, else {@link DEFAULT_OTLP_TIMEOUT_MILLIS}.
 */
function otlpTarget(base: string | undefined, env: Env, signal: OtlpSignal): OtlpTarget | undefined {
  const specificName = `OTEL_EXPORTER_OTLP_${signal.id}_ENDPOINT`;
  const specific = fromEnv(env, specificName);
  const generic = fromEnv(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  // Each variable is checked even when another one wins, so a typo is found now.
  if (specific !== undefined) httpUrl(specific, specificName);
  if (generic !== undefined) httpUrl(generic, "OTEL_EXPORTER_OTLP_ENDPOINT");
  const genericTimeout = envSetting(env, "OTEL_EXPORTER_OTLP_TIMEOUT", positiveInteger, DEFAULT_OTLP_TIMEOUT_MILLIS);
  const timeoutMillis = envSetting(env, `OTEL_EXPORTER_OTLP_${signal.id}_TIMEOUT`, positiveInteger, genericTimeout);
  let url: string;
  if (base !== undefined) url = `${base}/${signal.path}`;
  else if (specific !== undefined) url = new URL(specific.trim()).toString();
  else if (generic !== undefined) url = new URL(generic.trim().replace(/\/?$/, "/") + signal.path).toString();
  else return undefined;
  const compressionName = fromEnv(env, `OTEL_EXPORTER_OTLP_${signal.id}_COMPRESSION`) === undefined ? "OTEL_EXPORTER_OTLP_COMPRESSION" : `OTEL_EXPORTER_OTLP_${signal.id}_COMPRESSION`;
  const compression = envSetting(env, compressionName, (v, source) => oneOf(v, source, ["gzip", "none"] as const), "none");
  const tls: { ca?: string; cert?: string; key?: string } = {};
  for (const [field, kind] of [
    ["ca", "CERTIFICATE"],
    ["cert", "CLIENT_CERTIFICATE"],
    ["key", "CLIENT_KEY"],
  ] as const) {
    const specific = `OTEL_EXPORTER_OTLP_${signal.id}_${kind}`;
    const pem = pemFile(env, fromEnv(env, specific) === undefined ? `OTEL_EXPORTER_OTLP_${kind}` : specific);
    if (pem !== undefined) tls[field] = pem;
  }
  const target: OtlpTarget = {
    url,
    headers: {
      ...parseKeyPairsIntoRecord(fromEnv(env, "OTEL_EXPORTER_OTLP_HEADERS")),
      ...parseKeyPairsIntoRecord(fromEnv(env, `OTEL_EXPORTER_OTLP_${signal.id}_HEADERS`)),
    },
    timeoutMillis,
  };
  if (compression === "gzip") target.compression = "gzip";
  if (Object.keys(tls).length > 0) target.tls = tls;
  return target;
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

/** The OTLP targets of the destinations that have one, by signal. */
export function otlpTargets(settings: Pick<Settings, "traces" | "logs">): { traces?: OtlpTarget; logs?: OtlpTarget } {
  const targets: { traces?: OtlpTarget; logs?: OtlpTarget } = {};
  if (settings.traces.kind === "otlp") targets.traces = settings.traces.target;
  if (settings.logs.kind === "otlp") targets.logs = settings.logs.target;
  return targets;
}

/**
 * Resolves {@link LangChainOtelOptions} against the environment, once per start: an explicit option wins, then
 * the variable, then the default. A pure function of its arguments (`env` is read here and nowhere later).
 *
 * @throws {ConfigurationError} for a bad value, naming the option or variable, the value and what is accepted.
 */
export function resolveSettings(options: LangChainOtelOptions, env: Env, context: SettingsContext): ResolvedSettings {
  const warnings: string[] = [];
  const disabled = setting(options.disabled, "disabled", env, "LANGCHAIN_OTEL_DISABLED", booleanValue, false);
  // The SDK's own switch, with the SDK's semantics (only "true" disables; anything else is ignored).
  const sdkDisabled = fromEnv(env, "OTEL_SDK_DISABLED")?.trim().toLowerCase() === "true";
  if (disabled || sdkDisabled) return { disabled: true, warnings };

  // The instrumentation's options, resolved (and checked) by its own rules, here and only here. The instrumentation
  // is given both: the resolved values (so it resolves nothing again) and a config that states them.
  const tracing = resolveTracingOptions(
    {
      contentPolicy: options.contentPolicy,
      redaction: options.redaction,
      redactionReplacement: options.redactionReplacement,
      pricing: options.pricing,
      maxPayloadBytes: options.maxPayloadBytes,
      runTtlMillis: options.runTtlMillis,
      emitSpans: options.emitSpans,
      emitAuditRecords: options.emitAuditRecords,
    },
    env,
  );
  const tracingConfig: LangChainTracingOptions = {
    contentPolicy: tracing.contentPolicy,
    maxPayloadBytes: tracing.maxPayloadBytes,
    runTtlMillis: tracing.runTtlMillis,
    emitSpans: tracing.emitSpans,
    emitAuditRecords: tracing.emitAuditRecords,
  };
  if (options.redaction !== undefined) tracingConfig.redaction = options.redaction;
  if (options.redactionReplacement !== undefined) tracingConfig.redactionReplacement = options.redactionReplacement;
  const pricing = options.pricing ?? fromEnv(env, "LANGCHAIN_OTEL_PRICING_FILE");
  if (pricing !== undefined) tracingConfig.pricing = pricing;

  const signing = signingSettings(options, env, context.cwd, warnings);
  // Checkpoints are log records: with a signing key the logs pipeline exists even when audit records are off.
  const withLogs = tracing.emitAuditRecords || signing !== undefined;
  const base = options.otlpEndpoint === undefined ? undefined : httpUrl(options.otlpEndpoint, "option otlpEndpoint").replace(/\/+$/, "");
  const tracesTarget = otlpTarget(base, env, TRACES);
  const logsTarget = withLogs ? otlpTarget(base, env, LOGS) : undefined;
  const otlpSignals: Array<{ name: string; variable: string }> = [];
  if (tracesTarget !== undefined) otlpSignals.push({ name: "traces", variable: "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL" });
  if (logsTarget !== undefined) otlpSignals.push({ name: "audit records", variable: "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL" });
  protocolWarnings(env, otlpSignals, warnings);

  // Read even when no signal is written to a file, so that a bad value is found now.
  const auditDir = path.resolve(context.cwd, setting(options.auditDir, "auditDir", env, "LANGCHAIN_OTEL_AUDIT_DIR", nonEmptyString, DEFAULT_AUDIT_DIR));
  const traces: TraceDestination = tracesTarget === undefined ? { kind: "file", dir: auditDir } : { kind: "otlp", target: tracesTarget };
  const logs: LogDestination = !withLogs
    ? { kind: "none" }
    : logsTarget === undefined
      ? { kind: "file", dir: auditDir }
      : { kind: "otlp", target: logsTarget };
  const journalMode = setting(options.journal, "journal", env, "LANGCHAIN_OTEL_JOURNAL", (v, source) => oneOf(v, source, ["off", "sync"] as const), "off");
  const journalDir = path.resolve(context.cwd, setting(options.journalDir, "journalDir", env, "LANGCHAIN_OTEL_JOURNAL_DIR", nonEmptyString, DEFAULT_JOURNAL_DIR));
  const appName = context.appName?.trim();
  return {
    disabled: false,
    traces,
    logs,
    signing,
    spool: {
      dir: path.resolve(context.cwd, setting(options.spoolDir, "spoolDir", env, "LANGCHAIN_OTEL_SPOOL_DIR", nonEmptyString, DEFAULT_SPOOL_DIR)),
      maxBytes: setting(options.spoolMaxBytes, "spoolMaxBytes", env, "LANGCHAIN_OTEL_SPOOL_MAX_BYTES", positiveInteger, DEFAULT_SPOOL_MAX_BYTES),
    },
    journal: journalMode === "off" ? { mode: "off" } : { mode: "sync", dir: journalDir },
    queueOverflow: setting(options.queueOverflow, "queueOverflow", env, "LANGCHAIN_OTEL_QUEUE_OVERFLOW", (v, source) => oneOf(v, source, ["spill", "drop"] as const), "spill"),
    fileModes: fileModes(setting(options.fileMode, "fileMode", env, "LANGCHAIN_OTEL_FILE_MODE", fileMode, DEFAULT_FILE_MODE)),
    serviceInstanceId:
      options.serviceInstanceId === undefined ? undefined : nonEmptyString(options.serviceInstanceId, "option serviceInstanceId"),
    serviceName: options.serviceName === undefined ? undefined : nonEmptyString(options.serviceName, "option serviceName"),
    defaultServiceName: appName !== undefined && appName !== "" ? appName : DEFAULT_SERVICE_NAME,
    tracingConfig,
    tracing,
    shutdownTimeoutMillis: setting(
      options.shutdownTimeoutMillis,
      "shutdownTimeoutMillis",
      env,
      "LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS",
      positiveInteger,
      DEFAULT_SHUTDOWN_TIMEOUT_MILLIS,
    ),
    spanBatch: batchSettings(env, "OTEL_BSP"),
    logBatch: batchSettings(env, "OTEL_BLRP"),
    metrics: metricsDestination(base, env, auditDir),
    warnings,
  };
}

/**
 * Metrics follow the traces: OTLP/HTTP when an endpoint is set (`OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` or the
 * generic one), else `metrics.jsonl` beside the audit files. `OTEL_METRICS_EXPORTER` hands them to the SDK instead.
 */
function metricsDestination(base: string | undefined, env: Env, auditDir: string): MetricsDestination {
  if (fromEnv(env, "OTEL_METRICS_EXPORTER") !== undefined) return { kind: "env" };
  const intervalMillis = envSetting(env, "OTEL_METRIC_EXPORT_INTERVAL", positiveInteger, DEFAULT_METRIC_EXPORT_INTERVAL_MILLIS);
  const target = otlpTarget(base, env, METRICS);
  return target === undefined ? { kind: "file", dir: auditDir, intervalMillis } : { kind: "otlp", target, intervalMillis };
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
