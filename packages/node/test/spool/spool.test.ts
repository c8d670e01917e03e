// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { context, logs, propagation, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { getHandle, start } from "../../src/start.js";
import type { LangChainOtelHandle } from "../../src/types.js";
import { freePort, itemsOf, oneTo, startCollector, waitFor, type Collector } from "./collector.js";

// The distro end to end in this process: start() against a stand-in collector that fails in the ways collectors
// fail. Every span and audit record must reach it exactly once, in audit.seq order, or stay on disk.

let spoolDir: string;
let collector: Collector | undefined;

beforeEach(() => {
  spoolDir = mkdtempSync(path.join(tmpdir(), "spool-"));
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("OTEL_") || name.startsWith("LANGCHAIN_OTEL_")) vi.stubEnv(name, "");
  }
  vi.stubEnv("LANGCHAIN_OTEL_SPOOL_DIR", spoolDir);
  vi.stubEnv("OTEL_METRICS_EXPORTER", "none");
  // Small batches, exported soon, and an OTLP exporter that gives up quickly on a collector that is down.
  vi.stubEnv("OTEL_EXPORTER_OTLP_TIMEOUT", "300");
  for (const prefix of ["OTEL_BSP", "OTEL_BLRP"]) {
    vi.stubEnv(`${prefix}_MAX_EXPORT_BATCH_SIZE`, "5");
    vi.stubEnv(`${prefix}_SCHEDULE_DELAY`, "20");
  }
});

afterEach(async () => {
  await getHandle()?.shutdown();
  trace.disable();
  logs.disable();
  context.disable();
  propagation.disable();
  await collector?.close();
  collector = undefined;
  vi.unstubAllEnvs();
  rmSync(spoolDir, { recursive: true, force: true });
});

/** `count` chain runs, each a span and two audit records (start, end). */
function runChains(handle: LangChainOtelHandle, count: number): void {
  for (let i = 0; i < count; i++) {
    const runId = randomUUID();
    handle.instrumentation!.handler.handleChainStart({ id: ["app", "Chain"] }, {}, runId, undefined, [], {}, "chain", `run-${i}`);
    handle.instrumentation!.handler.handleChainEnd({}, runId);
  }
}

const spooled = (signal: "traces" | "logs") => readdirSync(path.join(spoolDir, signal));

/** What the collector took of each signal: every item of this instance, exactly once, in audit.seq order. */
function expectDeliveredInOrder(handle: LangChainOtelHandle, spans: number, records: number): void {
  const tracesItems = itemsOf(collector!.accepted("/v1/traces"));
  const logItems = itemsOf(collector!.accepted("/v1/logs"));
  expect(tracesItems.map((i) => i.seq)).toEqual(oneTo(spans));
  expect(logItems.map((i) => i.seq)).toEqual(oneTo(records));
  expect(new Set([...tracesItems, ...logItems].map((i) => i.instanceId))).toEqual(new Set([handle.instanceId]));
}

describe("no loss on the way out", () => {
  it("a collector answering 503 to its first requests: everything arrives once, in order, and the spool empties", async () => {
    const refusals = new Map<string, number>();
    collector = await startCollector(({ path }) => {
      const refused = refusals.get(path) ?? 0;
      if (refused >= 4) return { status: 200 };
      refusals.set(path, refused + 1);
      return { status: 503 };
    });
    // Long enough that no request to this healthy collector times out (which would be sent again: at least once).
    vi.stubEnv("OTEL_EXPORTER_OTLP_TIMEOUT", "2000");
    const handle = start({ otlpEndpoint: collector.url });
    for (let round = 0; round < 3; round++) {
      runChains(handle, 10);
      await handle.forceFlush();
    }
    await waitFor(() => itemsOf(collector!.accepted("/v1/logs")).length === 60 && itemsOf(collector!.accepted("/v1/traces")).length === 30, "all delivered");
    // The collector has the last body before the replayer has its answer and deletes the file.
    await waitFor(() => spooled("traces").length + spooled("logs").length === 0 && handle.stats().replayedBatches === handle.stats().spooledBatches, "the spool to empty");

    expectDeliveredInOrder(handle, 30, 60);
    expect(collector.requests.filter((r) => r.status === 503)).toHaveLength(8);
    const stats = handle.stats();
    expect(stats.spooledBatches).toBeGreaterThan(0);
    expect(stats.replayedBatches).toBe(stats.spooledBatches);
    expect(stats).toMatchObject({ rejectedBatches: 0, droppedItems: 0, queueDroppedSpans: 0, queueDroppedLogRecords: 0 });
  });

  it("a collector down at start: 50 runs wait on disk, and are all delivered in order once it comes up", async () => {
    const port = await freePort();
    const handle = start({ otlpEndpoint: `http://127.0.0.1:${port}` });
    for (let round = 0; round < 5; round++) {
      runChains(handle, 10);
      await handle.forceFlush();
    }
    // forceFlush settled: every batch is on disk.
    expect(spooled("traces").length).toBeGreaterThan(0);
    expect(spooled("logs").length).toBeGreaterThan(0);
    expect(handle.stats()).toMatchObject({ replayedBatches: 0, droppedItems: 0 });

    collector = await startCollector(() => ({ status: 200 }), port);
    await waitFor(
      () => itemsOf(collector!.accepted("/v1/logs")).length === 100 && itemsOf(collector!.accepted("/v1/traces")).length === 50,
      "all delivered after the collector came up",
      40_000,
    );
    expectDeliveredInOrder(handle, 50, 100);
    await waitFor(() => spooled("traces").length + spooled("logs").length === 0, "the spool to empty");
    // Once drained, new batches go straight to the collector again.
    const spooledSoFar = handle.stats().spooledBatches;
    runChains(handle, 1);
    await handle.forceFlush();
    expect(handle.stats().spooledBatches).toBe(spooledSoFar);
    expectDeliveredInOrder(handle, 51, 102);
  });

  it("a batch the collector refuses with 400 is moved to rejected/, and later batches still flow", async () => {
    // Refuses, every time, the traces batch holding the first span.
    collector = await startCollector(({ path, body }) =>
      path === "/v1/traces" && itemsOf([body]).some((i) => i.seq === 1) ? { status: 400, body: '{"message":"invalid"}' } : { status: 200 },
    );
    vi.stubEnv("OTEL_EXPORTER_OTLP_TIMEOUT", "2000");
    const handle = start({ otlpEndpoint: collector.url });
    runChains(handle, 3);
    await handle.forceFlush();
    runChains(handle, 2);
    await handle.forceFlush();
    await waitFor(
      () =>
        handle.stats().rejectedBatches === 1 &&
        itemsOf(collector!.accepted("/v1/traces")).length === 2 &&
        itemsOf(collector!.accepted("/v1/logs")).length === 10,
      "the rest delivered",
    );

    // The OTLP exporter's 400 spooled the batch; its replay was refused again, so it went to rejected/.
    const rejected = readdirSync(path.join(spoolDir, "rejected"));
    expect(rejected).toEqual([expect.stringMatching(/^traces-\d{16}-[0-9a-f-]{36}\.json$/)]);
    expect(itemsOf(collector.accepted("/v1/traces")).map((i) => i.seq)).toEqual([4, 5]);
    expect(itemsOf(collector.accepted("/v1/logs")).map((i) => i.seq)).toEqual(oneTo(10));
  });

  it("at shutdown with the collector down, what is left stays in the spool and the owner record is released", async () => {
    const port = await freePort();
    const handle = start({ otlpEndpoint: `http://127.0.0.1:${port}`, shutdownTimeoutMillis: 1500 });
    runChains(handle, 4);
    await handle.shutdown();
    const files = [...spooled("traces"), ...spooled("logs")];
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.endsWith(`-${handle.chainId}.json`))).toBe(true);
    expect(readdirSync(path.join(spoolDir, "owners"))).toEqual([]);
    expect(handle.stats()).toMatchObject({ replayedBatches: 0, droppedItems: 0 });
  });
});
