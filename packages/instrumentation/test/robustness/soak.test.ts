// SPDX-License-Identifier: Apache-2.0
import { AsyncLocalStorage } from "node:async_hooks";
import { afterAll, describe, expect, it } from "vitest";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BatchSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import * as managerModule from "@langchain/core/callbacks/manager";
import * as singletonsModule from "@langchain/core/singletons";
import { RunnableLambda } from "@langchain/core/runnables";
import { LangChainInstrumentation } from "../../src/instrumentation.js";
import { RunIdGenerator } from "../../src/ids.js";
import { heapUsedAfterGcMb } from "../helpers.js";

// Bounded: 200,000 invocations of a two-run chain (about 20-40 s here), spans into a discarding batch exporter.
const INVOCATIONS = 200_000;
const SAMPLES = 10;

let exported = 0;
const provider = new TracerProvider({
  idGenerator: new RunIdGenerator(),
  spanProcessors: [
    new BatchSpanProcessor({
      exporter: {
        export: (spans: ReadableSpan[], done: (r: { code: number }) => void) => {
          exported += spans.length;
          done({ code: 0 });
        },
        shutdown: async () => {},
      },
      maxQueueSize: 65_536,
      scheduledDelayMillis: 50,
    }),
  ],
});
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(provider);
(globalThis as Record<symbol, unknown>)[Symbol.for("ls:tracing_async_local_storage")] ??= new AsyncLocalStorage();
const instrumentation = new LangChainInstrumentation({ contentPolicy: "full" });
instrumentation.setTracerProvider(provider);
instrumentation.manuallyInstrument(managerModule);
instrumentation.manuallyInstrument(singletonsModule);
afterAll(() => instrumentation.disable());

const inner = RunnableLambda.from(async (x: number) => ({ doubled: x * 2, note: "n".repeat(200) })).withConfig({ runName: "inner" });
const outer = RunnableLambda.from(async (x: number, config) => inner.invoke(x, config)).withConfig({ runName: "outer" });

describe(`soak: ${INVOCATIONS.toLocaleString("en")} invocations`, () => {
  it("open runs return to zero and memory stays flat", { timeout: 300_000 }, async () => {
    const samples: { done: number; heapMb: number; rssMb: number; openRuns: number }[] = [];
    const every = INVOCATIONS / SAMPLES;
    for (let i = 0; i < INVOCATIONS; i++) {
      await outer.invoke(i, { metadata: { session_id: `s-${i % 50}` } });
      if ((i + 1) % every === 0) {
        await provider.forceFlush();
        samples.push({ done: i + 1, heapMb: heapUsedAfterGcMb(), rssMb: process.memoryUsage().rss / 1e6, openRuns: instrumentation.handler.openRunCount });
      }
    }
    await provider.forceFlush();
    console.table(samples.map((s) => ({ ...s, heapMb: s.heapMb.toFixed(1), rssMb: s.rssMb.toFixed(0) })));
    expect(exported).toBe(INVOCATIONS * 2);
    expect(samples.every((s) => s.openRuns === 0)).toBe(true);
    // Flat: after the first tenth (warm-up, JIT, LangChain's caches), the live heap grows by less than 10 MB
    // over the remaining 180,000 invocations (360,000 spans); a per-run leak of even 30 bytes would exceed it.
    const growth = samples.at(-1)!.heapMb - samples[0]!.heapMb;
    expect(growth).toBeLessThan(10);
  });
});
