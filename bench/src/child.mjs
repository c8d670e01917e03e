// SPDX-License-Identifier: Apache-2.0
// One measurement in a fresh process: node --expose-gc src/child.mjs '<json spec>'
// spec: { mode, workload, iterations, warmup, warmupMillis, batches }. Prints one line "BENCH_RESULT <json>" on stdout.
import { AsyncLocalStorage } from "node:async_hooks";
import { ModeUnavailable } from "./modes/unavailable.mjs";
import { median } from "./stats.mjs";

const RESULT_PREFIX = "BENCH_RESULT ";

// As the distro (and `@langchain/core/context`) do, in every mode, so nested runnables inherit callbacks alike.
globalThis[Symbol.for("ls:tracing_async_local_storage")] ??= new AsyncLocalStorage();

function report(result) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

async function main(spec) {
  const { modeById } = await import("./modes/index.mjs");
  const { workloadById } = await import("./workloads/index.mjs");
  const mode = modeById(spec.mode);
  let session;
  try {
    session = await mode.setup();
  } catch (err) {
    if (err instanceof ModeUnavailable) return report({ unavailable: err.message });
    throw err;
  }
  const { awaitAllCallbacks } = await import("@langchain/core/callbacks/promises");
  const app = await workloadById(spec.workload).create();
  const config = session.config;

  const first = await app.invoke(config);
  if (!app.check(first)) throw new Error(`workload ${spec.workload} returned an unexpected result under ${spec.mode}`);
  // Warm up by count and by time: the JIT settles after a number of calls, and a fast mode reaches it sooner.
  const warmUntil = performance.now() + (spec.warmupMillis ?? 0);
  for (let i = 1; i < spec.warmup || performance.now() < warmUntil; i++) await app.invoke(config);
  await awaitAllCallbacks();
  await session.flush();
  const spansBefore = session.spanCount();
  globalThis.gc?.();
  session.markWindow?.(); // a mode that counts what the timed window wrote (the journal) starts counting here

  const batches = Math.max(1, spec.batches);
  const perBatch = Math.max(1, Math.floor(spec.iterations / batches));
  const batchMicros = [];
  const batchCpuMicros = [];
  const windowStartMicros = Number(process.hrtime.bigint() / 1000n);
  for (let b = 0; b < batches; b++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < perBatch; i++) await app.invoke(config);
    await awaitAllCallbacks(); // handlers LangChain runs in the background count too
    batchMicros.push(Number(process.hrtime.bigint() - t0) / 1000 / perBatch);
    const cpu = process.cpuUsage(cpu0);
    batchCpuMicros.push((cpu.user + cpu.system) / perBatch);
  }
  const windowEndMicros = Number(process.hrtime.bigint() / 1000n);
  await session.flush();
  const invokes = perBatch * batches;
  report({
    microsPerInvoke: median(batchMicros),
    batchMicros,
    cpuMicrosPerInvoke: median(batchCpuMicros),
    invokes,
    spansPerInvoke: (session.spanCount() - spansBefore) / invokes,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    window: { startMicros: windowStartMicros, endMicros: windowEndMicros },
    notes: session.notes?.(),
  });
}

main(JSON.parse(process.argv[2] ?? "{}")).then(
  () => process.exit(0), // an exporter's or vendor SDK's timers must not hold the measurement open
  (err) => {
    report({ error: String(err?.stack ?? err) });
    process.exit(1);
  },
);
