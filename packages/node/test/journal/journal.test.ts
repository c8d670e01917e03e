// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileSink } from "../../src/export/sink.js";
import { JsonLinesFile } from "../../src/files/json-lines-file.js";
import { Journal } from "../../src/journal/journal.js";
import { recoverJournals } from "../../src/journal/recover.js";
import { encodeLogRecord, encodeLogsLine, encodeResource, encodeSpan, encodeTraceLine } from "../../src/otlp-json.js";
import { Reporter } from "../../src/reporter.js";
import { runStartRecord } from "../known-log-record.js";
import { resource, toolSpan } from "../known-span.js";

// The write-ahead journal on its own: what it writes, and what the next start makes of it. The sinks are the
// distro's own audit files (FileSink over JsonLinesFile) in a temporary directory.

let dir: string;
let stderr: string[];
let reporter: Reporter;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "journal-"));
  stderr = [];
  reporter = new Reporter((line) => void stderr.push(line));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const journalDir = (): string => path.join(dir, "journal");

const span = (seq: number, overrides: Partial<ReadableSpan> = {}): ReadableSpan =>
  toolSpan({ attributes: { ...toolSpan().attributes, "audit.seq": seq }, ...overrides });

const record = (seq: number, overrides: Partial<ReadableLogRecord> = {}): ReadableLogRecord =>
  runStartRecord({ attributes: { ...runStartRecord().attributes, "audit.seq": seq }, ...overrides });

/** Today's destinations: the audit files, as the embedded default writes them. */
function sinks(): { traces: FileSink; logs: FileSink; read(signal: "traces" | "logs"): string } {
  const file = (name: string): string => path.join(dir, "audit", name);
  return {
    traces: new FileSink(new JsonLinesFile(file("traces.jsonl")), "spans", reporter),
    logs: new FileSink(new JsonLinesFile(file("logs.jsonl")), "audit records", reporter),
    read: (signal) => (existsSync(file(`${signal}.jsonl`)) ? readFileSync(file(`${signal}.jsonl`), "utf8") : ""),
  };
}

const lines = (file: string): string[] => readFileSync(file, "utf8").split("\n");

describe("the journal", () => {
  it("writes its header, the resource and the scope once, then a line per item holding the exporter's encoding of it", async () => {
    const journal = new Journal(journalDir(), "chain-1", reporter);
    const items = { spans: [span(1), span(2), span(3)], records: [record(1), record(2)] };
    journal.append("traces", items.spans[0]!);
    journal.append("logs", items.records[0]!);
    await null; // the microtask queue runs: one write
    for (const s of items.spans.slice(1)) journal.append("traces", s);
    journal.append("logs", items.records[1]!);
    journal.written("traces", 1, 2);
    await null;

    const resourceText = encodeResource(resource).text;
    expect(lines(journal.path)).toEqual([
      JSON.stringify({ journal: 2, pid: process.pid, hostname: hostname(), chain: "chain-1" }),
      `R\t0\t${resourceText}\t`,
      `S\t1\t{"name":"@langchain-otel/instrumentation","version":"0.1.0"}\t`,
      `T\t0\t1\t${encodeSpan(items.spans[0]!)}`,
      `L\t0\t1\t${encodeLogRecord(items.records[0]!)}`,
      `T\t0\t1\t${encodeSpan(items.spans[1]!)}`,
      `T\t0\t1\t${encodeSpan(items.spans[2]!)}`,
      `L\t0\t1\t${encodeLogRecord(items.records[1]!)}`,
      "W\ttraces\t1\t2",
      "",
    ]);
    journal.closeClean();
    expect(existsSync(journal.path)).toBe(false);
  });

  it("writes a microtask's items whole however large: past its 64 KiB buffer, and past 1 MiB", async () => {
    const big = (seq: number, chars: number): ReadableSpan =>
      span(seq, { attributes: { "audit.seq": seq, "langchain.output": "é€😀x".repeat(Math.ceil(chars / 5)).slice(0, chars) } });
    const spans = [big(1, 40_000), big(2, 40_000), big(3, 400_000), big(4, 900_000), big(5, 10)];
    const journal = new Journal(journalDir(), "chain-1", reporter);
    for (const s of spans) journal.append("traces", s);
    await null;
    expect(lines(journal.path).filter((line) => line.startsWith("T\t"))).toEqual(spans.map((s) => `T\t0\t1\t${encodeSpan(s)}`));
    journal.closeKeep();

    const to = sinks();
    recoverJournals(journalDir(), to, reporter);
    expect(to.read("traces")).toBe(encodeTraceLine(spans) + "\n");
  });

  it("builds the export queue's requests from the texts it journaled: what is exported is what was journaled", async () => {
    const journal = new Journal(journalDir(), "chain-1", reporter);
    const spans = [span(1), span(2)];
    const records = [record(1)];
    for (const s of spans) journal.append("traces", s);
    journal.append("logs", records[0]!);
    await null;
    expect(journal.encodeBatch("traces", spans)).toBe(encodeTraceLine(spans));
    expect(journal.encodeBatch("logs", records)).toBe(encodeLogsLine(records));
    // Changed after it was journaled (no SDK object is, once ended or emitted): the batch still holds the journaled text.
    const journaled = encodeTraceLine(spans);
    (spans[0]!.attributes as Record<string, unknown>)["note"] = "changed";
    expect(journal.encodeBatch("traces", spans)).toBe(journaled);
    journal.closeClean();
  });
});

describe("recovery", () => {
  it("writes exactly what was journaled and not marked written, as the exporter writes it, and removes the journal", async () => {
    const journal = new Journal(journalDir(), "chain-1", reporter);
    const spans = [1, 2, 3, 4, 5].map((seq) => span(seq));
    const records = [1, 2, 3].map((seq) => record(seq));
    for (const s of spans) journal.append("traces", s);
    for (const r of records) journal.append("logs", r);
    await null;
    journal.written("traces", 1, 2);
    journal.written("logs", 1, 1);
    journal.closeKeep(); // as a kill leaves it

    const to = sinks();
    const recoveries = recoverJournals(journalDir(), to, reporter);
    expect(recoveries).toEqual([{ file: journal.path, pid: process.pid, recovered: { traces: 3, logs: 2 }, tornLines: 0 }]);
    expect(to.read("traces")).toBe(encodeTraceLine(spans.slice(2)) + "\n");
    expect(to.read("logs")).toBe(encodeLogsLine(records.slice(1)) + "\n");
    expect(existsSync(journal.path)).toBe(false);
    expect(stderr).toEqual([
      `[langchain-otel] recovered 3 spans and 2 audit records that process ${process.pid} journaled but had not written when it was killed; ` +
        `written to ${path.join(dir, "audit", "traces.jsonl")} and ${path.join(dir, "audit", "logs.jsonl")}\n`,
    ]);
  });

  it("groups what it recovers by resource, then scope, in first-seen order, as the exporter groups a batch", async () => {
    const worker = resourceFromAttributes({ "service.name": "worker" }, { schemaUrl: "https://opentelemetry.io/schemas/1.37.0" });
    const app = { name: "app", version: "1.0.0", schemaUrl: "https://opentelemetry.io/schemas/1.36.0" };
    const spans = [span(1), span(2, { resource: worker }), span(3, { instrumentationScope: app }), span(4), span(5, { resource: worker, instrumentationScope: app })];
    const journal = new Journal(journalDir(), "chain-1", reporter);
    for (const s of spans) journal.append("traces", s);
    journal.closeKeep();
    // Two resources and two scopes, each written once.
    expect(lines(journal.path).filter((line) => /^[RS]\t/.test(line))).toHaveLength(4);

    const to = sinks();
    recoverJournals(journalDir(), to, reporter);
    expect(to.read("traces")).toBe(encodeTraceLine(spans) + "\n");
  });

  it("recovers in requests of 512 items at most, and of 4 Mi characters of items at most", async () => {
    const small = Array.from({ length: 1030 }, (_, i) => span(i + 1));
    const large = [1, 2, 3].map((seq) => record(seq, { body: "x".repeat(1_500_000) }));
    const journal = new Journal(journalDir(), "chain-1", reporter);
    for (const s of small) journal.append("traces", s);
    for (const r of large) journal.append("logs", r);
    journal.closeKeep();

    const to = sinks();
    recoverJournals(journalDir(), to, reporter);
    expect(to.read("traces")).toBe([small.slice(0, 512), small.slice(512, 1024), small.slice(1024)].map((b) => encodeTraceLine(b) + "\n").join(""));
    expect(to.read("logs")).toBe([large.slice(0, 2), large.slice(2)].map((b) => encodeLogsLine(b) + "\n").join(""));
  });

  it("takes a last line cut short by the kill for torn, and writes the rest", async () => {
    const journal = new Journal(journalDir(), "chain-1", reporter);
    const spans = [1, 2, 3].map((seq) => span(seq));
    for (const s of spans) journal.append("traces", s);
    journal.closeKeep();
    truncateSync(journal.path, statSync(journal.path).size - 10);

    const to = sinks();
    expect(recoverJournals(journalDir(), to, reporter)).toEqual([
      { file: journal.path, pid: process.pid, recovered: { traces: 2, logs: 0 }, tornLines: 1 },
    ]);
    expect(to.read("traces")).toBe(encodeTraceLine(spans.slice(0, 2)) + "\n");
  });

  it("takes a cut \"written\" mark for torn rather than marking too little", async () => {
    const journal = new Journal(journalDir(), "chain-1", reporter);
    const spans = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((seq) => span(seq));
    for (const s of spans) journal.append("traces", s);
    await null;
    journal.written("traces", 1, 12);
    journal.closeKeep();
    truncateSync(journal.path, statSync(journal.path).size - 2); // "W\ttraces\t1\t12\n" → "...\t1"

    const to = sinks();
    expect(recoverJournals(journalDir(), to, reporter)[0]).toMatchObject({ recovered: { traces: 12, logs: 0 }, tornLines: 1 });
    expect(to.read("traces")).toBe(encodeTraceLine(spans) + "\n");
  });

  it("reads a journal of the earlier format (a request per write) and writes what it did not mark written", () => {
    const spans = [1, 2, 3].map((seq) => span(seq, { attributes: { "audit.seq": seq, "gen_ai.tool.name": "lookup_policy" } }));
    const records = [1, 2].map((seq) => record(seq));
    const file = path.join(dir, "journal", "chain-0.journal");
    const text = [
      JSON.stringify({ journal: 1, pid: process.pid, hostname: hostname(), chain: "chain-0" }),
      `{"signal":"traces","request":${encodeTraceLine(spans)}}`,
      `{"signal":"logs","request":${encodeLogsLine(records)}}`,
      JSON.stringify({ written: "traces", first: 1, last: 1 }),
      "",
    ].join("\n");
    mkdirSync(journalDir(), { mode: 0o700 });
    writeFileSync(file, text, { mode: 0o600 });

    const to = sinks();
    expect(recoverJournals(journalDir(), to, reporter)).toEqual([{ file, pid: process.pid, recovered: { traces: 2, logs: 2 }, tornLines: 0 }]);
    expect(to.read("traces")).toBe(encodeTraceLine(spans.slice(1)) + "\n");
    expect(to.read("logs")).toBe(encodeLogsLine(records) + "\n");
    expect(existsSync(file)).toBe(false);
  });

  it("refuses a journal of a later format, says so, and keeps it", () => {
    mkdirSync(journalDir(), { mode: 0o700 });
    const file = path.join(journalDir(), "chain-9.journal");
    writeFileSync(file, JSON.stringify({ journal: 3, pid: process.pid, hostname: hostname(), chain: "chain-9" }) + "\nX\t1\n", { mode: 0o600 });

    const to = sinks();
    expect(recoverJournals(journalDir(), to, reporter)).toEqual([]);
    expect(stderr).toEqual([
      `[langchain-otel] could not recover the journal ${file} (journal format 3 is newer than this version reads (1 and 2); ` +
        "start the version that wrote it once to recover it); it is kept\n",
    ]);
    expect(existsSync(file)).toBe(true);
    expect(to.read("traces")).toBe("");
  });
});
