// SPDX-License-Identifier: Apache-2.0
import { ROOT_CONTEXT, SeverityNumber, SpanKind, SpanStatusCode, trace, type Attributes, type Context } from "@opentelemetry/api";
import { OtlpJsonFileLogRecordExporter, OtlpJsonFileSpanExporter } from "@langchain-otel/node";
import { AuditCheckpointer, IntegrityLogRecordProcessor, IntegritySpanProcessor, type SigningKey } from "@langchain-otel/node/integrity";
import { CHAIN } from "./scenario.js";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { BatchSpanProcessor, TracerProvider, type IdGenerator } from "@opentelemetry/sdk-trace";
import path from "node:path";

/** 2026-11-24T10:00:00.000Z: every time in a generated trail is an offset in milliseconds from it. */
export const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);

/** A LangChain run as the instrumentation would report it: a span, a start record and an end or error record. */
export interface RunSpec {
  readonly id: string;
  readonly name: string;
  readonly type: "chain" | "llm" | "tool";
  /** Milliseconds after {@link T0}. */
  readonly start: number;
  readonly end: number;
  readonly session?: string;
  readonly user?: string;
  readonly tenant?: string;
  readonly model?: string;
  readonly tokens?: readonly [input: number, output: number];
  /** An error class name: the run fails. */
  readonly error?: string;
  readonly inputs?: string;
  readonly outputs?: string;
  /** Set on the span when it ends and on the end or error record (cost, redaction counts, …). */
  readonly attributes?: Attributes;
  /** The process dies during this run: no end record, and its span is never exported. */
  readonly open?: boolean;
  readonly children?: readonly RunSpec[];
}

const spanIdOf = (runId: string) => runId.replaceAll("-", "").slice(16);
const traceIdOf = (runId: string) => runId.replaceAll("-", "");

/** Hands the tracer the IDs of the run being started, as the distro's RunIdGenerator does. */
class NextIds implements IdGenerator {
  traceId = "";
  spanId = "";
  generateTraceId = (): string => this.traceId;
  generateSpanId = (): string => this.spanId;
}

/** How a {@link TrailWriter} signs its chains, as the distro does with `LANGCHAIN_OTEL_SIGNING_KEY_FILE`. */
export interface Signing {
  readonly key: SigningKey;
  /** @default 1000, as the distro */
  readonly checkpointRecords?: number;
}

/** Where a {@link TrailWriter} writes, and whether it signs. */
export interface TrailWriterOptions {
  readonly traces?: string;
  readonly logs?: string;
  readonly signing?: Signing | undefined;
  /**
   * `audit.chain` of the process that writes.
   * @default CHAIN
   */
  readonly chainId?: string;
}

/**
 * An audit trail written the way the distro writes one: real TracerProvider and LoggerProvider, the integrity
 * processors around batch processors, and the OTLP/JSON file exporters; with `signing`, the checkpointer too.
 * Deterministic: IDs come from the run specs, times are fixed (checkpoints are signed at T0 + 1 h), and each
 * {@link flush} writes one line per signal with what was queued since.
 */
export class TrailWriter {
  readonly tracesFile: string;
  readonly logsFile: string;
  private readonly _ids = new NextIds();
  private readonly _tracerProvider: TracerProvider;
  private readonly _loggerProvider: LoggerProvider;
  private readonly _checkpointer: AuditCheckpointer | undefined;

  constructor(dir: string, instance: string, options: TrailWriterOptions = {}) {
    this.tracesFile = path.join(dir, options.traces ?? "traces.jsonl");
    this.logsFile = path.join(dir, options.logs ?? "logs.jsonl");
    const resource = resourceFromAttributes({ "service.name": "support-bot", "service.instance.id": instance });
    const signing = options.signing;
    const chainId = options.chainId ?? CHAIN;
    const checkpointer =
      signing === undefined ? undefined : new AuditCheckpointer({ signingKey: signing.key, checkpointRecords: signing.checkpointRecords, now: () => T0 + 3_600_000 });
    this._checkpointer = checkpointer;
    // Batches leave only on flush(): one line per flush.
    const batch = { maxQueueSize: 100_000, maxExportBatchSize: 100_000, scheduledDelayMillis: 3_600_000 };
    this._tracerProvider = new TracerProvider({
      resource,
      idGenerator: this._ids,
      spanProcessors: [
        new IntegritySpanProcessor(new BatchSpanProcessor({ exporter: new OtlpJsonFileSpanExporter({ path: this.tracesFile }), ...batch }), { checkpointer, chainId }),
      ],
    });
    this._loggerProvider = new LoggerProvider({
      resource,
      processors: [
        new IntegrityLogRecordProcessor(new BatchLogRecordProcessor({ exporter: new OtlpJsonFileLogRecordExporter({ path: this.logsFile }), ...batch }), { checkpointer, chainId }),
      ],
    });
    checkpointer?.setLogger(this._loggerProvider.getLogger("@langchain-otel/node", "0.1.0"));
  }

  /** Seals every chain (the distro's exit path), then writes what is queued. */
  async seal(): Promise<void> {
    this._checkpointer?.seal();
    await this.flush();
  }

  /** Records a run tree: spans and audit records in the order the instrumentation emits them. */
  run(spec: RunSpec): this {
    this._run(spec, undefined, undefined);
    return this;
  }

  /** Records a log record that is no run's: a `langchain.audit.loss` record, say. */
  record(eventName: string, attributes: Attributes, at: number, body?: string): this {
    this._loggerProvider.getLogger("@langchain-otel/node", "0.1.0").emit({
      eventName,
      severityNumber: SeverityNumber.WARN,
      severityText: "WARN",
      timestamp: T0 + at,
      observedTimestamp: T0 + at,
      ...(body === undefined ? {} : { body }),
      attributes: { "event.name": eventName, ...attributes },
    });
    return this;
  }

  /** Writes what is queued: one traces line and one logs line (when there is something to write). */
  async flush(): Promise<void> {
    await this._tracerProvider.forceFlush();
    await this._loggerProvider.forceFlush();
  }

  async close(): Promise<void> {
    await this._tracerProvider.shutdown();
    await this._loggerProvider.shutdown();
  }

  private _run(spec: RunSpec, parent: Context | undefined, parentRunId: string | undefined, inherited: Partial<RunSpec> = {}): void {
    const session = spec.session ?? inherited.session;
    const user = spec.user ?? inherited.user;
    const tenant = spec.tenant ?? inherited.tenant;
    const identity: Attributes = {
      "langchain.run_id": spec.id,
      ...(parentRunId === undefined ? {} : { "langchain.parent_run_id": parentRunId }),
      "langchain.run_type": spec.type,
      "langchain.run_name": spec.name,
      ...(session === undefined ? {} : { "session.id": session }),
      ...(user === undefined ? {} : { "user.id": user }),
      ...(tenant === undefined ? {} : { "tenant.id": tenant }),
      ...(spec.model === undefined ? {} : { "gen_ai.request.model": spec.model }),
    };
    const name = spec.type === "llm" ? `chat ${spec.model}` : spec.type === "tool" ? `execute_tool ${spec.name}` : spec.name;
    this._ids.traceId = traceIdOf(spec.id);
    this._ids.spanId = spanIdOf(spec.id);
    const tracer = this._tracerProvider.getTracer("@langchain-otel/instrumentation", "0.1.0");
    const span = tracer.startSpan(
      name,
      {
        kind: spec.type === "llm" ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: T0 + spec.start,
        attributes: { ...identity, ...(spec.inputs === undefined ? {} : { "langchain.inputs": spec.inputs }) },
      },
      parent ?? ROOT_CONTEXT,
    );
    const context = trace.setSpan(parent ?? ROOT_CONTEXT, span);
    const logger = this._loggerProvider.getLogger("@langchain-otel/instrumentation", "0.1.0");
    logger.emit({
      eventName: "langchain.run.start",
      severityNumber: SeverityNumber.INFO,
      severityText: "INFO",
      timestamp: T0 + spec.start,
      observedTimestamp: T0 + spec.start,
      context,
      attributes: { "event.name": "langchain.run.start", ...identity },
    });
    for (const child of spec.children ?? []) this._run(child, context, spec.id, { session, user, tenant });
    if (spec.open === true) return;

    const ended: Attributes = {};
    if (spec.tokens !== undefined) {
      ended["gen_ai.usage.input_tokens"] = spec.tokens[0];
      ended["gen_ai.usage.output_tokens"] = spec.tokens[1];
    }
    if (spec.error !== undefined) ended["error.type"] = spec.error;
    Object.assign(ended, spec.attributes);
    const failed = spec.error !== undefined;
    logger.emit({
      eventName: failed ? "langchain.run.error" : "langchain.run.end",
      severityNumber: failed ? SeverityNumber.ERROR : SeverityNumber.INFO,
      severityText: failed ? "ERROR" : "INFO",
      timestamp: T0 + spec.end,
      observedTimestamp: T0 + spec.end,
      context,
      attributes: {
        "event.name": failed ? "langchain.run.error" : "langchain.run.end",
        ...identity,
        ...ended,
        "langchain.status": failed ? "error" : "ok",
        "langchain.duration_ms": spec.end - spec.start,
      },
    });
    span.setAttributes({ ...ended, ...(spec.outputs === undefined ? {} : { "langchain.outputs": spec.outputs }) });
    if (failed) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: `${spec.error}: failed` });
      span.addEvent("exception", { "exception.type": spec.error }, T0 + spec.end);
    }
    span.end(T0 + spec.end);
  }
}
