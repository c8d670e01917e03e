// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { afterEach, describe, expect, it } from "vitest";
import { OtlpJsonFileLogRecordExporter, OtlpJsonFileSpanExporter } from "../src/file-exporter.js";
import { EXPECTED_LOGS_LINE, runStartRecord } from "./known-log-record.js";
import { EXPECTED_LINE, toolSpan } from "./known-span.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "file-exporter-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Either file exporter, exporting copies of its signal's known item. */
interface FileExporter {
  readonly path: string;
  /** Exports `count` copies of the known item in one call. */
  export(count: number, resultCallback: (result: ExportResult) => void): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

interface ExporterCase {
  readonly name: string;
  readonly fileName: string;
  create(file: string): FileExporter;
  /** The line written for one known item. */
  readonly expectedLine: string;
  /** How many items one written line holds. */
  itemsInLine(line: string): number;
}

function exporterCase<T>(
  name: string,
  fileName: string,
  construct: (options: { path: string }) => {
    readonly path: string;
    export(items: T[], resultCallback: (result: ExportResult) => void): void;
    forceFlush(): Promise<void>;
    shutdown(): Promise<void>;
  },
  item: () => T,
  expectedLine: string,
  itemsInLine: (line: string) => number,
): ExporterCase {
  return {
    name,
    fileName,
    expectedLine,
    itemsInLine,
    create(file) {
      const exporter = construct({ path: file });
      return {
        path: exporter.path,
        export: (count, resultCallback) => exporter.export(Array.from({ length: count }, item), resultCallback),
        forceFlush: () => exporter.forceFlush(),
        shutdown: () => exporter.shutdown(),
      };
    },
  };
}

const CASES: ExporterCase[] = [
  exporterCase(
    "OtlpJsonFileSpanExporter",
    "traces.jsonl",
    (options) => new OtlpJsonFileSpanExporter(options),
    () => toolSpan(),
    EXPECTED_LINE,
    (line) => (JSON.parse(line) as { resourceSpans: [{ scopeSpans: [{ spans: unknown[] }] }] }).resourceSpans[0].scopeSpans[0].spans.length,
  ),
  exporterCase(
    "OtlpJsonFileLogRecordExporter",
    "logs.jsonl",
    (options) => new OtlpJsonFileLogRecordExporter(options),
    () => runStartRecord(),
    EXPECTED_LOGS_LINE,
    (line) =>
      (JSON.parse(line) as { resourceLogs: [{ scopeLogs: [{ logRecords: unknown[] }] }] }).resourceLogs[0].scopeLogs[0].logRecords.length,
  ),
];

function exportNow(exporter: FileExporter, count = 1): ExportResult {
  let result: ExportResult | undefined;
  exporter.export(count, (r) => (result = r));
  if (result === undefined) throw new Error("export did not report before returning");
  return result;
}

describe.each(CASES)("$name", ({ fileName, create, expectedLine, itemsInLine }) => {
  it("creates the directory, not the file; the first export appends the collector's line", () => {
    const file = path.join(tempDir(), "nested", "audit", fileName);
    const exporter = create(file);
    expect(exporter.path).toBe(file);
    expect(existsSync(path.dirname(file))).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(exportNow(exporter)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(readFileSync(file, "utf8")).toBe(expectedLine + "\n");
  });

  it("writes one line per export call, whatever the number of items", () => {
    const file = path.join(tempDir(), fileName);
    const exporter = create(file);
    exportNow(exporter, 1);
    exportNow(exporter, 2);
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(0, -1).map(itemsInLine)).toEqual([1, 2]);
  });

  it("reports success only once the line is in the file", () => {
    const file = path.join(tempDir(), fileName);
    const exporter = create(file);
    let contentAtCallback = "";
    exporter.export(1, () => (contentAtCallback = readFileSync(file, "utf8")));
    expect(contentAtCallback).toBe(expectedLine + "\n");
  });

  it("appends to an existing file", () => {
    const file = path.join(tempDir(), fileName);
    exportNow(create(file));
    exportNow(create(file));
    expect(readFileSync(file, "utf8")).toBe(`${expectedLine}\n${expectedLine}\n`);
  });

  it("writes nothing for an empty export", () => {
    const file = path.join(tempDir(), fileName);
    expect(exportNow(create(file), 0)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(existsSync(file)).toBe(false);
  });

  it("recreates a directory removed while the app runs", () => {
    const dir = path.join(tempDir(), "audit");
    const exporter = create(path.join(dir, fileName));
    rmSync(dir, { recursive: true });
    expect(exportNow(exporter).code).toBe(ExportResultCode.SUCCESS);
    expect(readFileSync(path.join(dir, fileName), "utf8")).toBe(expectedLine + "\n");
  });

  it("reports a write failure as FAILED instead of throwing", () => {
    const exporter = create(tempDir()); // a directory: appending to it fails (EISDIR)
    const result = exportNow(exporter);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(Error);
  });

  it("fails exports after shutdown; forceFlush and shutdown resolve", async () => {
    const file = path.join(tempDir(), fileName);
    const exporter = create(file);
    await expect(exporter.forceFlush()).resolves.toBeUndefined();
    await expect(exporter.shutdown()).resolves.toBeUndefined();
    expect(exportNow(exporter).code).toBe(ExportResultCode.FAILED);
    expect(existsSync(file)).toBe(false);
  });

  it("throws from the constructor when the directory cannot be created", () => {
    const file = path.join(tempDir(), fileName);
    exportNow(create(file));
    expect(() => create(path.join(file, "sub", fileName))).toThrow(/ENOTDIR|EEXIST/);
  });
});
