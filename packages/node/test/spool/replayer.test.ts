// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolBudget } from "../../src/spool/budget.js";
import { zeroCounters, type SpoolCounters } from "../../src/spool/counters.js";
import { SpoolOwners } from "../../src/spool/owners.js";
import { SpoolReplayer } from "../../src/spool/replayer.js";
import { SpoolDirectory } from "../../src/spool/spool-directory.js";
import { OtlpSender } from "../../src/export/otlp-sender.js";
import { Reporter } from "../../src/reporter.js";
import type { OtlpTarget } from "../../src/spool/otlp-target.js";
import { freePort, startCollector, waitFor, type Collector, type Replier } from "./collector.js";

let spoolDir: string;
let directory: SpoolDirectory;
let counters: SpoolCounters;
let replayer: SpoolReplayer | undefined;
let collector: Collector | undefined;
let messages: string[];
let stderr: string[];
const replayerTo = (target: OtlpTarget) => new SpoolReplayer(directory, new OtlpSender(target), counters, new Reporter((line) => void stderr.push(line)));

beforeEach(() => {
  spoolDir = mkdtempSync(path.join(tmpdir(), "replayer-"));
  const owners = new SpoolOwners(spoolDir, "me");
  owners.register();
  directory = new SpoolDirectory({ spoolDir, signal: "traces", key: "me", budget: new SpoolBudget(2 ** 30), owners });
  counters = zeroCounters();
  messages = [];
  stderr = [];
  const record = (level: string) => (...args: unknown[]) => void messages.push(`${level}: ${args.filter((a) => typeof a === "string" && a !== "@langchain-otel/node").join(" ")}`);
  // Component loggers put their namespace first.
  diag.setLogger({ error: record("error"), warn: record("warn"), info: record("info"), debug: () => {}, verbose: () => {} }, DiagLogLevel.INFO);
});

afterEach(async () => {
  replayer?.stop();
  replayer = undefined;
  await collector?.close();
  collector = undefined;
  diag.disable();
  rmSync(spoolDir, { recursive: true, force: true });
});

/** Batches A, B, C... as tiny bodies the stand-in collector does not parse. */
async function spoolBodies(...names: string[]): Promise<void> {
  for (const name of names) {
    const body = JSON.stringify({ batch: name });
    await directory.write(body, Buffer.byteLength(body));
  }
}

async function replayTo(reply: Replier, headers: Record<string, string> = {}): Promise<Collector> {
  collector = await startCollector(reply);
  replayer = replayerTo({ url: `${collector.url}/v1/traces`, headers, timeoutMillis: 2000 });
  replayer.kick();
  return collector;
}

const batchesOf = (c: Collector) => c.requests.map((r) => [(JSON.parse(r.body) as { batch: string }).batch, r.status]);
const pending = () => readdirSync(directory.dir);

describe("SpoolReplayer", () => {
  it("sends the oldest batch first, POSTing the file's body as JSON with the exporter's headers, and deletes it after a 2xx", async () => {
    await spoolBodies("A", "B", "C");
    const c = await replayTo(() => ({ status: 200 }), { authorization: "Bearer t", "x-tenant": "acme" });
    await waitFor(() => counters.replayedBatches === 3, "three batches replayed");
    expect(batchesOf(c)).toEqual([
      ["A", 200],
      ["B", 200],
      ["C", 200],
    ]);
    expect(c.requests[0]!.headers).toMatchObject({ "content-type": "application/json", authorization: "Bearer t", "x-tenant": "acme" });
    expect(c.requests[0]!.body).toBe('{"batch":"A"}');
    expect(pending()).toEqual([]);
    expect(directory.isEmpty).toBe(true);
  });

  it("retries 5xx and 408 with backoff, never letting a later batch overtake", async () => {
    const statuses = [503, 408, 500];
    await spoolBodies("A", "B");
    const c = await replayTo(({ index }) => ({ status: statuses[index] ?? 200 }));
    await waitFor(() => counters.replayedBatches === 2, "both batches replayed");
    expect(batchesOf(c)).toEqual([
      ["A", 503],
      ["A", 408],
      ["A", 500],
      ["A", 200],
      ["B", 200],
    ]);
    // Backoff starts at 500 ms ± 20% and doubles.
    const gaps = c.requests.slice(1).map((r, i) => r.receivedAt - c.requests[i]!.receivedAt);
    expect(gaps[0]).toBeGreaterThanOrEqual(390);
    expect(gaps[1]).toBeGreaterThanOrEqual(790);
    // One line for the outage on stderr (not one per retry), and one when it is over.
    expect(stderr).toEqual([
      `[langchain-otel] the collector at ${c.url} does not take data (HTTP 503): spooling to ${spoolDir}; it is sent when the collector is back, or by the next start\n`,
      `[langchain-otel] the collector at ${c.url} takes traces again; 1 spooled batch left to send\n`,
    ]);
  });

  it("honours Retry-After on a 429", async () => {
    await spoolBodies("A");
    const c = await replayTo(({ index }) => (index === 0 ? { status: 429, headers: { "retry-after": "2" } } : { status: 200 }));
    await waitFor(() => counters.replayedBatches === 1, "the batch replayed");
    expect(batchesOf(c)).toEqual([
      ["A", 429],
      ["A", 200],
    ]);
    // Not the 500 ms the backoff would have waited: the two seconds the collector asked for.
    expect(c.requests[1]!.receivedAt - c.requests[0]!.receivedAt).toBeGreaterThanOrEqual(1990);
  });

  it("moves a batch refused with a 400 to rejected/ with an error, and sends the later batches", async () => {
    await spoolBodies("A", "B", "C");
    const c = await replayTo(({ index }) => (index === 1 ? { status: 400, body: '{"message":"bad span"}' } : { status: 200 }));
    await waitFor(() => counters.replayedBatches === 2 && counters.rejectedBatches === 1, "two delivered, one rejected");
    expect(batchesOf(c)).toEqual([
      ["A", 200],
      ["B", 400],
      ["C", 200],
    ]);
    const rejected = path.join(spoolDir, "rejected", "traces-0000000000000002-me.json");
    expect(readFileSync(rejected, "utf8")).toBe('{"batch":"B"}');
    expect(stderr).toEqual([
      `[langchain-otel] the collector refused a spooled traces batch with HTTP 400 ({"message":"bad span"}); sending it again cannot succeed, so it was moved to ${rejected} for a person to look at\n`,
    ]);
    expect(pending()).toEqual([]);
  });

  it("keeps retrying while nothing listens, and delivers once the collector is up", async () => {
    await spoolBodies("A");
    const port = await freePort();
    replayer = replayerTo({ url: `http://127.0.0.1:${port}/v1/traces`, headers: {}, timeoutMillis: 2000 });
    replayer.kick();
    await waitFor(() => stderr.some((m) => m.includes("ECONNREFUSED")), "a refused connection");
    collector = await startCollector(() => ({ status: 200 }), port);
    await waitFor(() => counters.replayedBatches === 1, "the batch replayed after the collector came up");
    expect(batchesOf(collector)).toEqual([["A", 200]]);
  });

  it("drain: one bounded attempt; a request still open at the deadline is aborted and the file stays", async () => {
    await spoolBodies("A", "B");
    collector = await startCollector(() => ({ status: 200, delayMillis: 3000 }));
    replayer = replayerTo({ url: `${collector.url}/v1/traces`, headers: {}, timeoutMillis: 10_000 });
    await replayer.drain(Date.now() + 300);
    expect(counters.replayedBatches).toBe(0);
    expect(pending()).toEqual(["0000000000000001-me.json", "0000000000000002-me.json"]);
    expect(existsSync(path.join(spoolDir, "rejected"))).toBe(false);
  });
});
