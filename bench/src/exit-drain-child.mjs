// SPDX-License-Identifier: Apache-2.0
// The exit drain in a fresh process: node src/exit-drain-child.mjs '<json spec>'
// spec: { dir, runs, warmupRuns }. Starts the distro (@langchain-otel/node start(), default policy, audit files in
// <dir>/audit), exports `warmupRuns` runs (so the code is warm and the resource settled), then queues `runs` runs
// (1 span and 2 audit records each) without yielding, so none is exported, and calls process.exit(0): the distro's
// exit path writes them synchronously. Prints "EXIT_CALLED" right before process.exit, and from an exit listener
// registered after the distro's, "BENCH_RESULT <json>" with the drain time seen inside the process and the
// handle's counters. runs: 0 is the control (the same process, nothing queued).
import { randomUUID } from "node:crypto";
import { writeSync } from "node:fs";
import path from "node:path";

const SERIALIZED = { lc: 1, type: "not_implemented", id: ["langchain_core", "runnables", "RunnableLambda"] };

/** One complete run through the instrumentation's handler, as LangChain drives it: a span and its start and end records. */
function run(handler, i) {
  const runId = randomUUID();
  handler.handleChainStart(SERIALIZED, { question: `What is the refund policy for order ${i}?` }, runId, undefined, [], {}, undefined, "answer");
  handler.handleChainEnd({ output: `Order ${i} can be refunded within 30 days.` }, runId);
}

async function main(spec) {
  // A queue that holds every queued item, as one batch: in the embedded default a full batch (512) is written at
  // once, so without this the runs would be exported while they are queued instead of on the exit path.
  const capacity = String(Math.max(512, 2 * (spec.runs + spec.warmupRuns) + 64));
  Object.assign(process.env, {
    LANGCHAIN_OTEL_AUDIT_DIR: path.join(spec.dir, "audit"),
    OTEL_BSP_MAX_QUEUE_SIZE: capacity,
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE: capacity,
    OTEL_BLRP_MAX_QUEUE_SIZE: capacity,
    OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: capacity,
  });
  const { start } = await import("@langchain-otel/node");
  const handle = start();
  await handle.ready;
  const handler = handle.instrumentation.handler;
  for (let i = 0; i < spec.warmupRuns; i++) run(handler, i);
  await handle.forceFlush();

  let exitCalled;
  // After the distro's exit listener (registered by start()), so everything it writes is written by now.
  process.on("exit", () => {
    const drainMicros = Number(process.hrtime.bigint() - exitCalled) / 1000;
    writeSync(1, `BENCH_RESULT ${JSON.stringify({ drainMicros, stats: handle.stats() })}\n`);
  });
  for (let i = 0; i < spec.runs; i++) run(handler, spec.warmupRuns + i);
  writeSync(1, "EXIT_CALLED\n");
  exitCalled = process.hrtime.bigint();
  process.exit(0);
}

main(JSON.parse(process.argv[2])).catch((err) => {
  writeSync(1, `BENCH_RESULT ${JSON.stringify({ error: String(err?.stack ?? err) })}\n`);
  process.exit(1);
});
