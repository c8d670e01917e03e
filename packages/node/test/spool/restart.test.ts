// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { assertBuilt, cleanEnv, createFixtureApp, printed, runNode } from "../helpers.js";
import { freePort, itemsOf, oneTo, startCollector, type Collector } from "./collector.js";

// Real apps in child processes (the register entry, the built package): what survives a process's end, and what
// a slow collector costs the app.

let app: { dir: string; remove(): void };
let spoolDir: string;
let collector: Collector | undefined;

beforeAll(() => {
  assertBuilt();
  app = createFixtureApp();
});
afterAll(() => app?.remove());
beforeEach(() => {
  spoolDir = mkdtempSync(path.join(tmpdir(), "spool-restart-"));
});
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  rmSync(spoolDir, { recursive: true, force: true });
});

interface Printed {
  invokes: { count: number; p50Millis: number; p99Millis: number; totalMillis: number };
  instanceId: string;
}

function runApp(env: Record<string, string>, onLine?: (line: string) => void) {
  return runNode(["--import", "@langchain-otel/node/register", "spool-app.mjs"], {
    cwd: app.dir,
    env: cleanEnv({ LANGCHAIN_OTEL_SPOOL_DIR: spoolDir, OTEL_METRICS_EXPORTER: "none", ...env }),
    onLine,
    timeoutMillis: 30_000,
  });
}

const spooledFiles = (signal: "traces" | "logs") => {
  const dir = path.join(spoolDir, signal);
  return existsSync(dir) ? readdirSync(dir).map((name) => path.join(dir, name)) : [];
};

describe("across a restart", () => {
  it("the next process sends what the previous one left in the spool first, in order", async () => {
    const port = await freePort();
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
      OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "5",
      OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "5",
      APP_RUNS: "12",
    };
    // The collector is down: the first process exports into the spool and ends (flushing on beforeExit). Its OTLP
    // exporter gives up quickly, so that the process does not linger in the exporter's own retries.
    const first = await runApp({ ...env, OTEL_EXPORTER_OTLP_TIMEOUT: "300" });
    // One line says where the data waits and that it will be sent (both signals go to the same collector).
    expect(first).toMatchObject({
      code: 0,
      stderr:
        `[langchain-otel] the collector at http://127.0.0.1:${port} does not take data (ECONNREFUSED): spooling to ${spoolDir}; ` +
        "it is sent when the collector is back, or by the next start\n",
    });
    const firstId = printed<Printed>(first.stdout, "instanceId").instanceId;
    expect(spooledFiles("traces").length).toBeGreaterThan(0);
    expect(spooledFiles("logs").length).toBeGreaterThan(0);
    expect(readdirSync(path.join(spoolDir, "owners"))).toEqual([]);

    collector = await startCollector(() => ({ status: 200 }), port);
    const second = await runApp(env);
    expect(second.code).toBe(0);
    // And the next start says it replays what an earlier process left.
    expect(second.stderr.split("\n").filter((l) => l !== "")).toEqual([
      expect.stringMatching(new RegExp(`^\\[langchain-otel\\] \\d+ traces batches left in ${spoolDir}/traces by an earlier process are sent to http://127.0.0.1:${port}/v1/traces first$`)),
      expect.stringMatching(new RegExp(`^\\[langchain-otel\\] \\d+ logs batches left in ${spoolDir}/logs by an earlier process are sent to http://127.0.0.1:${port}/v1/logs first$`)),
    ]);
    const secondId = printed<Printed>(second.stdout, "instanceId").instanceId;
    expect(secondId).not.toBe(firstId);

    for (const [signal, perRun] of [
      ["/v1/traces", 1],
      ["/v1/logs", 2],
    ] as const) {
      const items = itemsOf(collector.accepted(signal));
      expect(items.map((i) => [i.instanceId, i.seq])).toEqual([
        ...oneTo(12 * perRun).map((seq) => [firstId, seq]),
        ...oneTo(12 * perRun).map((seq) => [secondId, seq]),
      ]);
    }
    expect([...spooledFiles("traces"), ...spooledFiles("logs")]).toEqual([]);
  });
});

describe("a slow collector", () => {
  it("is never on the app's path: 200 invokes finish while it has received at most one request per signal", async () => {
    collector = await startCollector(() => ({ status: 200, delayMillis: 1000 }));
    let atDone: { traces: number; logs: number } | undefined;
    const child = await runApp(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "20",
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "20",
        APP_RUNS: "200",
        // The app ends by awaiting shutdown (bounded by its 5 s), not by running out of work, which would wait for
        // every batch to reach the slow collector.
        APP_SHUTDOWN: "1",
      },
      (line) => {
        if (line.includes('"invokes"')) atDone = { traces: collector!.received("/v1/traces"), logs: collector!.received("/v1/logs") };
      },
    );
    expect(child).toMatchObject({
      code: 0,
      stderr:
        `[langchain-otel] the collector at ${collector.url} does not take data (shutdown ended the request): spooling to ${spoolDir}; ` +
        "it is sent when the collector is back, or by the next start\n",
    });
    // Ten span batches and twenty record batches were handed to the exporters during the invokes; had any export
    // run on the app's path, each of them would have waited a second for the collector.
    expect(atDone).toBeDefined();
    expect(atDone!.traces).toBeLessThanOrEqual(1);
    expect(atDone!.logs).toBeLessThanOrEqual(1);

    // What the shutdown could not deliver in time was spooled, not dropped.
    const { stats } = printed<{ stats: Record<string, number> }>(child.stdout, "stats");
    expect(stats.spooledBatches).toBeGreaterThan(0);
    expect(stats).toMatchObject({ droppedItems: 0, queueDroppedSpans: 0, queueDroppedLogRecords: 0 });
    // Nothing lost: what the collector took and what waits in the spool cover every span and record.
    const onDisk = (signal: "traces" | "logs") => spooledFiles(signal).map((file) => readFileSync(file, "utf8"));
    const covered = (path: "/v1/traces" | "/v1/logs", signal: "traces" | "logs") =>
      [...new Set(itemsOf([...collector!.accepted(path), ...onDisk(signal)]).map((i) => i.seq))].sort((a, b) => a! - b!);
    expect(covered("/v1/traces", "traces")).toEqual(oneTo(200));
    expect(covered("/v1/logs", "logs")).toEqual(oneTo(400));
  });
});
