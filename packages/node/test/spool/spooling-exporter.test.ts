// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Spool } from "../../src/spool/spool.js";
import type { OtlpTarget } from "../../src/spool/otlp-target.js";
import { toolSpan } from "../known-span.js";
import { freePort, itemsOf, startCollector, waitFor, type Collector } from "./collector.js";

let spoolDir: string;
let spool: Spool | undefined;
let collector: Collector | undefined;
let errors: string[];

beforeEach(() => {
  spoolDir = mkdtempSync(path.join(tmpdir(), "spool-exporter-"));
  errors = [];
  const ignore = () => {};
  diag.setLogger(
    { error: (...args: unknown[]) => void errors.push(args.filter((a) => typeof a === "string" && a !== "@langchain-otel/node").join(" ")), warn: ignore, info: ignore, debug: ignore, verbose: ignore },
    DiagLogLevel.ERROR,
  );
});

afterEach(async () => {
  spool?.close();
  spool = undefined;
  await collector?.close();
  collector = undefined;
  diag.disable();
  vi.restoreAllMocks();
  rmSync(spoolDir, { recursive: true, force: true });
});

/**
 * A spooling span exporter sending to `url`. The OTLP exporter's timeout is long enough that no request to a healthy
 * collector times out (it would be sent again: delivery is at least once), and short where nothing listens.
 */
function spanExporter(url: string, { maxBytes = 2 ** 30, down = false } = {}) {
  const target: OtlpTarget = { url: `${url}/v1/traces`, headers: { "x-api-key": "k" }, timeoutMillis: down ? 300 : 2000 };
  spool = new Spool({ spoolDir, maxBytes, instanceId: "i-1", shutdownTimeoutMillis: 2000, targets: { traces: target } });
  return spool.spanExporter(new OTLPTraceExporter(target));
}

/** Spans whose audit.seq are the given numbers. */
const spans = (...seqs: number[]): ReadableSpan[] => seqs.map((seq) => toolSpan({ attributes: { "audit.seq": seq } }));

const exportNow = (exporter: { export(items: ReadableSpan[], cb: (r: ExportResult) => void): void }, items: ReadableSpan[]) =>
  new Promise<ExportResult>((resolve) => exporter.export(items, resolve));

const spoolFiles = (signal = "traces") => readdirSync(path.join(spoolDir, signal));

describe("SpoolingSpanExporter", () => {
  it("exports through the OTLP exporter while the collector takes the batches, spooling nothing", async () => {
    collector = await startCollector();
    const exporter = spanExporter(collector.url);
    expect(await exportNow(exporter, spans(1, 2))).toEqual({ code: ExportResultCode.SUCCESS });
    expect(await exportNow(exporter, spans(3))).toEqual({ code: ExportResultCode.SUCCESS });
    expect(itemsOf(collector.accepted("/v1/traces")).map((i) => i.seq)).toEqual([1, 2, 3]);
    expect(collector.requests.map((r) => r.headers["user-agent"])).toEqual([
      expect.stringContaining("OTel-OTLP-Exporter-JavaScript"),
      expect.stringContaining("OTel-OTLP-Exporter-JavaScript"),
    ]);
    expect(spool!.counters()).toMatchObject({ spooledBatches: 0, replayedBatches: 0 });
  });

  it("spools a batch the collector refuses, reports SUCCESS, and sends later batches behind it, in order", async () => {
    // A Retry-After beyond the exporter's timeout: it gives up at once instead of retrying itself.
    collector = await startCollector(({ index }) => (index === 0 ? { status: 503, headers: { "retry-after": "5" } } : { status: 200 }));
    const exporter = spanExporter(collector.url);
    // B is exported as soon as A is reported done: A then waits in the spool, so B must queue behind it.
    const b = await new Promise<ExportResult>((resolve) =>
      exporter.export(spans(1, 2), (a) => {
        expect(a).toEqual({ code: ExportResultCode.SUCCESS });
        exporter.export(spans(3), resolve);
      }),
    );
    expect(b).toEqual({ code: ExportResultCode.SUCCESS });
    await waitFor(() => spool!.counters().replayedBatches === 2, "both batches to be replayed");

    expect(itemsOf(collector.accepted("/v1/traces")).map((i) => i.seq)).toEqual([1, 2, 3]);
    // The first request was the OTLP exporter's (refused); the others the replayer's, with the same headers.
    const [refused, ...replayed] = collector.requests;
    expect(refused).toMatchObject({ status: 503, headers: { "user-agent": expect.stringContaining("OTel-OTLP-Exporter-JavaScript") } });
    expect(replayed.map((r) => [r.status, r.headers["content-type"], r.headers["x-api-key"], r.headers["user-agent"]])).toEqual([
      [200, "application/json", "k", "node"],
      [200, "application/json", "k", "node"],
    ]);
    expect(spool!.counters()).toEqual({ spooledBatches: 2, replayedBatches: 2, rejectedBatches: 0, droppedItems: 0 });
    expect(spoolFiles()).toEqual([]);
  });

  it("spools what it cannot send to a collector that is down; the body is the exact OTLP/JSON request", async () => {
    const exporter = spanExporter(`http://127.0.0.1:${await freePort()}`, { down: true });
    expect(await exportNow(exporter, spans(1))).toEqual({ code: ExportResultCode.SUCCESS });
    expect(await exportNow(exporter, spans(2))).toEqual({ code: ExportResultCode.SUCCESS });
    const files = spoolFiles();
    expect(files).toEqual(["0000000000000001-i-1.json", "0000000000000002-i-1.json"]);
    expect(spool!.counters()).toMatchObject({ spooledBatches: 2, replayedBatches: 0 });
  });

  it("spool full: reports FAILED, counts the dropped spans, says so on stderr once a minute at most", async () => {
    const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    const exporter = spanExporter(`http://127.0.0.1:${await freePort()}`, { maxBytes: 10, down: true });
    const results = [await exportNow(exporter, spans(1, 2)), await exportNow(exporter, spans(3)), await exportNow(exporter, spans(4, 5, 6))];

    expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED, ExportResultCode.FAILED, ExportResultCode.FAILED]);
    expect(spool!.counters()).toMatchObject({ spooledBatches: 0, droppedItems: 6 });
    const line = `[langchain-otel] spool full (0 bytes in ${spoolDir}): dropping a batch of 2 spans; the audit trail now has a gap\n`;
    expect(stderr.mock.calls).toEqual([[line]]);
    expect(errors.filter((e) => e.includes("spool full"))).toHaveLength(3);
    expect(spoolFiles()).toEqual([]);
  });

  it("shutdown gives the replayer one bounded attempt, then leaves the rest on disk", async () => {
    const exporter = spanExporter(`http://127.0.0.1:${await freePort()}`, { down: true });
    await exportNow(exporter, spans(1));
    await exporter.shutdown();
    expect(spoolFiles()).toEqual(["0000000000000001-i-1.json"]);
    expect(await exportNow(exporter, spans(2))).toMatchObject({ code: ExportResultCode.FAILED });
  });
});
