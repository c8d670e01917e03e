// SPDX-License-Identifier: Apache-2.0
// The per-record cost of the audit chain in a fresh process: node --expose-gc src/signing-child.mjs '<json spec>'
// spec: { mode: "hashed" | "signed", records, batches, warmup, checkpointRecords }. The integrity log record processor
// stamps audit records (the attributes of a run's end record) into a downstream that keeps nothing; "signed" adds the
// checkpointer with a fresh Ed25519 key, so the difference is what signing costs a record, amortised over the
// checkpoints. Also times one signature alone. Prints "BENCH_RESULT <json>".
import { SeverityNumber } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { LoggerProvider } from "@opentelemetry/sdk-logs";
import {
  AuditCheckpointer,
  IntegrityLogRecordProcessor,
  generateSigningKeyPair,
  signCheckpoint,
  signingKeyFromPem,
} from "@langchain-otel/node/integrity";
import { median } from "./stats.mjs";

function report(result) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** A resource like the distro's: service, instance, process, host and OS attributes. */
const resource = resourceFromAttributes({
  "service.name": "support-bot",
  "service.instance.id": "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d",
  "telemetry.sdk.name": "opentelemetry",
  "telemetry.sdk.language": "nodejs",
  "telemetry.sdk.version": "3.1.1",
  "process.pid": 4242,
  "process.runtime.name": "nodejs",
  "process.runtime.version": "24.11.0",
  "host.name": "app-7f9c",
  "host.arch": "amd64",
  "os.type": "linux",
});

/** A run's end record, as the instrumentation emits it. */
function emit(logger, i) {
  logger.emit({
    eventName: "langchain.run.end",
    severityNumber: SeverityNumber.INFO,
    severityText: "INFO",
    attributes: {
      "event.name": "langchain.run.end",
      "langchain.run_id": `019ab3c4-d5e6-7f00-b1b2-${String(i).padStart(12, "0")}`,
      "langchain.parent_run_id": "019ab3c4-d5e6-7f00-a1b2-c3d4e5f60718",
      "langchain.run_type": "chat_model",
      "langchain.run_name": "ChatOpenAI",
      "session.id": "s-1",
      "user.id": "u-1",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.usage.input_tokens": 120,
      "gen_ai.usage.output_tokens": 18,
      "langchain.status": "ok",
      "langchain.duration_ms": 10.5,
    },
  });
}

function main(spec) {
  const pair = generateSigningKeyPair();
  const signingKey = signingKeyFromPem(pair.privateKeyPem);
  const checkpointer = spec.mode === "signed" ? new AuditCheckpointer({ signingKey, checkpointRecords: spec.checkpointRecords }) : undefined;
  let kept = 0;
  let checkpoints = 0;
  const downstream = {
    onEmit(record) {
      kept++;
      if (record.eventName === "audit.checkpoint") checkpoints++;
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new LoggerProvider({ resource, processors: [new IntegrityLogRecordProcessor(downstream, { checkpointer })] });
  const logger = provider.getLogger("@langchain-otel/instrumentation", "0.1.0");
  checkpointer?.setLogger(provider.getLogger("@langchain-otel/node"));

  let i = 0;
  for (; i < spec.warmup; i++) emit(logger, i);
  globalThis.gc?.();
  const perBatch = Math.floor(spec.records / spec.batches);
  const nanosPerRecord = [];
  const checkpointsBefore = checkpoints;
  for (let b = 0; b < spec.batches; b++) {
    const start = process.hrtime.bigint();
    for (let j = 0; j < perBatch; j++) emit(logger, i++);
    nanosPerRecord.push(Number(process.hrtime.bigint() - start) / perBatch);
  }
  const timedCheckpoints = checkpoints - checkpointsBefore;

  // One signature alone: what a checkpoint costs, of which a record pays 1/checkpointRecords.
  const fields = { instance: "i", chain: "", signal: "logs", index: 1, first: 1, last: 1000, head: "0".repeat(64), prev: "", kind: "checkpoint", keyId: signingKey.keyId, time: "2026-11-24T10:00:00.000Z" };
  for (let k = 0; k < 200; k++) signCheckpoint(fields, signingKey);
  const signStart = process.hrtime.bigint();
  const signatures = 2000;
  for (let k = 0; k < signatures; k++) signCheckpoint({ ...fields, index: k }, signingKey);
  const signMicros = Number(process.hrtime.bigint() - signStart) / 1000 / signatures;
  report({ mode: spec.mode, nanosPerRecord: median(nanosPerRecord), records: perBatch * spec.batches, checkpoints: timedCheckpoints, kept, signMicros });
}

try {
  main(JSON.parse(process.argv[2]));
} catch (err) {
  report({ error: String(err?.stack ?? err) });
}
