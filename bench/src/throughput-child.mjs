// SPDX-License-Identifier: Apache-2.0
// End-to-end export throughput in a fresh process: node src/throughput-child.mjs '{"url", "headers", "seconds", "policy"}'.
// Workload (a) under ours, spans exported over OTLP/HTTP (JSON) by a default BatchSpanProcessor. Between invokes
// the loop yields to the event loop (setImmediate), as a server does between requests, so exports can complete.
import { AsyncLocalStorage } from "node:async_hooks";
import { ExportResultCode } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";

globalThis[Symbol.for("ls:tracing_async_local_storage")] ??= new AsyncLocalStorage();

/** Wraps an exporter and counts the spans it acknowledged and the spans it failed to deliver. */
class CountingExporter {
  acknowledged = 0;
  failed = 0;
  constructor(inner) {
    this.inner = inner;
  }
  get exportedSpans() {
    return this.acknowledged;
  }
  export(spans, resultCallback) {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.acknowledged += spans.length;
      else this.failed += spans.length;
      resultCallback(result);
    });
  }
  forceFlush() {
    return this.inner.forceFlush();
  }
  shutdown() {
    return this.inner.shutdown();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

async function main({ url, headers, seconds, policy }) {
  const { modeById } = await import("./modes/index.mjs");
  const { appChain } = await import("./workloads/app-chain.mjs");
  const exporter = new CountingExporter(new OTLPTraceExporter({ url, headers }));
  const session = await modeById(`ours-${policy}`).setup({ exporter });
  const app = appChain.create();
  for (let i = 0; i < 500; i++) await app.invoke(session.config);
  await session.flush();
  const ackedBefore = exporter.acknowledged;
  const failedBefore = exporter.failed;

  let invokes = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  while (performance.now() < deadline) {
    await app.invoke(session.config);
    invokes++;
    await tick();
  }
  const windowSeconds = (performance.now() - t0) / 1000;
  const ackedInWindow = exporter.acknowledged - ackedBefore;
  const flushStart = performance.now();
  await session.flush();
  const flushSeconds = (performance.now() - flushStart) / 1000;
  const produced = invokes * appChain.runsPerInvoke;
  const acknowledged = exporter.acknowledged - ackedBefore;
  const failed = exporter.failed - failedBefore;
  return {
    policy,
    warmupAcknowledgedSpans: ackedBefore,
    windowSeconds,
    invokes,
    producedSpans: produced,
    acknowledgedSpans: acknowledged,
    failedSpans: failed,
    droppedSpans: Math.max(0, produced - acknowledged - failed),
    spansPerSecond: ackedInWindow / windowSeconds,
    producedPerSecond: produced / windowSeconds,
    flushSeconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
  };
}

main(JSON.parse(process.argv[2] ?? "{}")).then(
  (result) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
    process.exit(0);
  },
  (err) => {
    process.stdout.write(`BENCH_RESULT ${JSON.stringify({ error: String(err?.stack ?? err) })}\n`);
    process.exit(1);
  },
);
