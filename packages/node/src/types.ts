// SPDX-License-Identifier: Apache-2.0
import type { ContentPolicy, LangChainInstrumentation, PricingTable, RedactionOptions } from "@langchain-otel/instrumentation";
import type { SpanProcessor } from "@opentelemetry/sdk-trace";

export type { ContentPolicy };

/** Where spans go: OTLP/HTTP to a collector, the embedded audit file, or nowhere (disabled). */
export type ExporterKind = "otlp" | "file" | "none";

/**
 * Options of {@link start}. Each one falls back to its environment variable, then to its default;
 * an explicit option always wins. A bad value makes `start()` throw at startup, naming the option or
 * variable, the value and what is accepted.
 */
export interface LangChainOtelOptions {
  /**
   * Base URL of an OTLP/HTTP endpoint (a collector): spans are sent to `<otlpEndpoint>/v1/traces` through a
   * batch span processor and audit records to `<otlpEndpoint>/v1/logs` through a batch log record processor,
   * both as OTLP/JSON. Without it, each signal looks at its own variable and `OTEL_EXPORTER_OTLP_ENDPOINT`; a
   * signal with no endpoint is written to the audit directory instead (`traces.jsonl`, `logs.jsonl`).
   * Headers come from `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_TRACES_HEADERS` / `OTEL_EXPORTER_OTLP_LOGS_HEADERS`.
   * What the collector does not take (unreachable, failing, slow) is spooled to {@link spoolDir} and sent later.
   * Env: `OTEL_EXPORTER_OTLP_ENDPOINT` (base URL), `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` and
   * `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (full URLs).
   * @default unset: the embedded file exporters
   */
  otlpEndpoint?: string;
  /**
   * Directory of the embedded audit trail, for each signal that has no OTLP endpoint: spans are appended to
   * `traces.jsonl` in it and audit records to `logs.jsonl`, one OTLP/JSON export request per line, the
   * OpenTelemetry Collector file exporter's format. A file is created by its first line. Relative paths are
   * resolved against the working directory; the directory is created if missing.
   * Env: `LANGCHAIN_OTEL_AUDIT_DIR`.
   * @default "./audit"
   */
  auditDir?: string;
  /**
   * Directory where batches the collector could not take wait (one file per batch, the exact OTLP/JSON request
   * body) until they are sent, also across restarts. Used only for signals sent over OTLP. Relative paths are
   * resolved against the working directory; the directory is created if missing.
   * Env: `LANGCHAIN_OTEL_SPOOL_DIR`.
   * @default "./.langchain-otel/spool"
   */
  spoolDir?: string;
  /**
   * Most bytes the waiting batches may take on disk, both signals together. A batch that does not fit is dropped
   * with a diag error, a line on stderr (at most once a minute) and a count in `stats().droppedItems`.
   * Env: `LANGCHAIN_OTEL_SPOOL_MAX_BYTES`.
   * @default 1073741824 (1 GiB)
   */
  spoolMaxBytes?: number;
  /**
   * `service.instance.id` of this process. With `audit.chain` (a random UUID per process) it names the audit chains,
   * so a fixed value (a Kubernetes pod name) across restarts or replicas is fine: each process starts a chain of
   * its own. Env: `service.instance.id` in `OTEL_RESOURCE_ATTRIBUTES`.
   * @default a random UUID per process
   */
  serviceInstanceId?: string;
  /**
   * The write-ahead journal, for what no exit handler sees (SIGKILL, the OOM killer, a native crash): with `sync`,
   * every span and audit record is appended to a journal file (one `write()` per microtask) before it is queued for
   * export, and the next start writes what a killed process journaled and never exported. A kill then loses at
   * most the records of the tick it strikes in. `off` relies on the exit path alone, which covers every ending
   * that still runs JavaScript. Env: `LANGCHAIN_OTEL_JOURNAL` (`off` or `sync`).
   * @default "off"
   */
  journal?: "off" | "sync";
  /**
   * Where journals are kept (one file per process, removed when it ends cleanly). Relative paths are resolved
   * against the working directory. Env: `LANGCHAIN_OTEL_JOURNAL_DIR`.
   * @default "./.langchain-otel/journal"
   */
  journalDir?: string;
  /**
   * What a full export queue (`OTEL_BSP_MAX_QUEUE_SIZE` / `OTEL_BLRP_MAX_QUEUE_SIZE`) does with one more span or
   * record: `spill` writes the queue to the audit file or the spool at once (the app waits for the disk; nothing is
   * lost); `drop` loses it, counted, said on stderr and recorded in the trail as a `langchain.audit.loss` record,
   * so `verify` reports it. Env: `LANGCHAIN_OTEL_QUEUE_OVERFLOW` (`spill` or `drop`).
   * @default "spill"
   */
  queueOverflow?: "spill" | "drop";
  /**
   * Permissions of the audit files, spool files and journals, set exactly whatever the umask (an octal number, or
   * a string such as `"0640"`); directories created for them get the same plus search where read is granted
   * (0700 for 0600, 0750 for 0640). At least 0600, never executable. Env: `LANGCHAIN_OTEL_FILE_MODE`.
   * @default 0o600
   */
  fileMode?: number | string;
  /**
   * More span processors, after the exporter's own (tests pass a `SimpleSpanProcessor` over an
   * `InMemorySpanExporter`). They are flushed and shut down with the SDK.
   * @default []
   */
  spanProcessors?: SpanProcessor[];
  /**
   * `service.name` of every span. Wins over the environment, as NodeSDK's own `serviceName` does.
   * Env: `OTEL_SERVICE_NAME` or `service.name` in `OTEL_RESOURCE_ATTRIBUTES` (read by the SDK).
   * @default the `name` in the working directory's package.json, else "langchain-app"
   */
  serviceName?: string;
  /**
   * What payload content is put on spans and audit records: `redacted` (secrets and personal data replaced
   * in-process), `full` or `none` (sizes and hashes only). Env: `LANGCHAIN_OTEL_CONTENT_POLICY`.
   * @default "redacted"
   */
  contentPolicy?: ContentPolicy;
  /**
   * Detectors, user rules and replacement of the `redacted` policy (see `@langchain-otel/instrumentation`).
   * @default every built-in detector, no user rules, `[REDACTED:<kind>]` markers
   */
  redaction?: RedactionOptions;
  /**
   * `marker` or `hmac` keyed pseudonyms (key: `redaction.hmacKey` or `LANGCHAIN_OTEL_REDACTION_KEY`).
   * Env: `LANGCHAIN_OTEL_REDACTION_REPLACEMENT`.
   * @default "marker"
   */
  redactionReplacement?: "marker" | "hmac";
  /**
   * Model prices (USD per million tokens) for `gen_ai.usage.cost`, merged over the built-in table: a
   * `{ "models": [ { "provider", "model", "input", "output", "cacheRead", "cacheWrite", "reasoning" } ] }` table
   * or the path of a JSON file holding one. Env: `LANGCHAIN_OTEL_PRICING_FILE`.
   * @default the built-in table only
   */
  pricing?: PricingTable | string;
  /**
   * Byte budget of one payload attribute (UTF-8); longer values are truncated with a marker.
   * Env: `LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES`.
   * @default 8192
   */
  maxPayloadBytes?: number;
  /**
   * A run whose end never arrives is ended with status ERROR this long after it started.
   * Env: `LANGCHAIN_OTEL_RUN_TTL_MILLIS`.
   * @default 600000 (10 minutes)
   */
  runTtlMillis?: number;
  /**
   * Whether LangChain runs become spans. With `false`, audit records still carry the run-derived trace and
   * span IDs, and spans from anything else (the app, other instrumentations) are exported as before.
   * Env: `LANGCHAIN_OTEL_SPANS` (`true` or `false`).
   * @default true
   */
  emitSpans?: boolean;
  /**
   * Whether each LangChain run start, end and error also becomes an OpenTelemetry log record (`event.name`
   * `langchain.run.start|end|error`, in the run's span context): the audit stream. The records are exported
   * through a batch log record processor (tuned by `OTEL_BLRP_*`) to the OTLP logs endpoint, or else appended
   * to `<auditDir>/logs.jsonl`. With `false`, no log record processor is set up at all.
   * Env: `LANGCHAIN_OTEL_AUDIT_RECORDS` (`true` or `false`).
   * @default true
   */
  emitAuditRecords?: boolean;
  /**
   * PKCS#8 PEM file of the Ed25519 key that signs the audit chains (`langchain-otel-audit keygen --out DIR` writes
   * `DIR/audit-signing.key`): a checkpoint log record (`event.name` `audit.checkpoint`) per chain every
   * {@link checkpointRecords} records and every {@link checkpointIntervalMillis}, and a seal when the process ends,
   * so `langchain-otel-audit verify --public-key` can tell a signed trail from a rewritten one. Read at startup: a
   * file that cannot be read or is not such a key stops the start. With it, the logs pipeline carries the
   * checkpoints even when {@link emitAuditRecords} is false.
   * Env: `LANGCHAIN_OTEL_SIGNING_KEY_FILE`.
   * @default unset: the chains are hashed, not signed
   */
  signingKeyFile?: string;
  /**
   * With a signing key, a chain is checkpointed once this many records were added to it since its last checkpoint.
   * Env: `LANGCHAIN_OTEL_CHECKPOINT_RECORDS`.
   * @default 1000
   */
  checkpointRecords?: number;
  /**
   * With a signing key, every chain with records not yet checkpointed is checkpointed this often.
   * Env: `LANGCHAIN_OTEL_CHECKPOINT_INTERVAL_MILLIS`.
   * @default 5000
   */
  checkpointIntervalMillis?: number;
  /**
   * Turns everything off: `start()` returns a handle that does nothing. `OTEL_SDK_DISABLED=true` does too.
   * Env: `LANGCHAIN_OTEL_DISABLED` (`true` or `false`).
   * @default false
   */
  disabled?: boolean;
  /**
   * How long `shutdown()` (also run on `beforeExit`, `SIGTERM` and `SIGINT`) may take before it gives up
   * with a warning. Env: `LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS`.
   * @default 5000
   */
  shutdownTimeoutMillis?: number;
}

/** What {@link start} returns (and `getHandle()` finds). */
export interface LangChainOtelHandle {
  /** False when tracing is disabled; every method then does nothing. */
  readonly enabled: boolean;
  /** Where spans go. */
  readonly exporter: ExporterKind;
  /**
   * Absolute path of the audit directory (`traces.jsonl`, `logs.jsonl`) when spans or audit records are written
   * to files, else undefined.
   */
  readonly auditDir: string | undefined;
  /** The instrumentation attached to every LangChain run; undefined when disabled. */
  readonly instrumentation: LangChainInstrumentation | undefined;
  /** `service.instance.id` of every span and audit record of this process; undefined when disabled. */
  readonly instanceId: string | undefined;
  /** `audit.chain` of every span and audit record of this process (a random UUID); undefined when disabled. */
  readonly chainId: string | undefined;
  /** Absolute spool directory when either signal goes over OTLP, else undefined. */
  readonly spoolDir: string | undefined;
  /**
   * Settles once the app's own `@langchain/core` copies are patched. Patching is synchronous on Node's
   * supported versions, so this is normally settled already; it never rejects.
   */
  readonly ready: Promise<void>;
  /** Waits for LangChain's pending callbacks, then exports every ended span and every emitted audit record. */
  forceFlush(): Promise<void>;
  /**
   * Waits for LangChain's pending callbacks, ends every still-open run's span as ERROR, then flushes spans and
   * audit records and shuts the SDK down. Idempotent, bounded by `shutdownTimeoutMillis`, never rejects.
   */
  shutdown(): Promise<void>;
  /** What the export path has done and lost so far (all zeros when disabled). */
  stats(): LangChainOtelStats;
}

/** Counters of the export path since `start()`; spans and audit records together unless named. */
export interface LangChainOtelStats {
  /** Batches written to the spool because the collector did not take them (or because older ones were waiting). */
  readonly spooledBatches: number;
  /** Spooled batches the collector has since accepted. */
  readonly replayedBatches: number;
  /** Spooled batches the collector refused for good (HTTP 4xx other than 408 / 429), moved to `<spoolDir>/rejected/`. */
  readonly rejectedBatches: number;
  /** Spans and audit records lost because the spool was full, or the spool or audit file could not be written. */
  readonly droppedItems: number;
  /** Spans dropped because the export queue was full (`OTEL_BSP_MAX_QUEUE_SIZE`, `queueOverflow: "drop"`). */
  readonly queueDroppedSpans: number;
  /** Audit records dropped because the export queue was full (`OTEL_BLRP_MAX_QUEUE_SIZE`, `queueOverflow: "drop"`). */
  readonly queueDroppedLogRecords: number;
  /** Batches written straight to disk because an export queue was full (`queueOverflow: "spill"`). */
  readonly spilledBatches: number;
  /** Batches waiting in the spool now, for the collector (sent later, or by the next start). */
  readonly pendingBatches: number;
  /** Spans and records written synchronously on the exit path (a process ending without `shutdown()`). */
  readonly exitDrainedItems: number;
  /** Spans and records recovered at startup from the journals of processes that were killed. */
  readonly recoveredItems: number;
}

/** Options of {@link OtlpJsonFileSpanExporter}. */
export interface OtlpJsonFileSpanExporterOptions {
  /** The file lines are appended to; its directory is created if missing. */
  path: string;
  /**
   * Permissions of the file and of the directories created for it (directories add search where read is granted).
   * @default 0o600
   */
  fileMode?: number;
}

/** Options of {@link OtlpJsonFileLogRecordExporter}. */
export interface OtlpJsonFileLogRecordExporterOptions {
  /** The file lines are appended to (created by the first record); its directory is created if missing. */
  path: string;
  /**
   * Permissions of the file and of the directories created for it (directories add search where read is granted).
   * @default 0o600
   */
  fileMode?: number;
}
