import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { afterEach, describe, expect, it } from "vitest";
import { OtlpJsonFileSpanExporter } from "../src/file-exporter.js";
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

function exportNow(exporter: OtlpJsonFileSpanExporter, spans = [toolSpan()]): ExportResult {
  let result: ExportResult | undefined;
  exporter.export(spans, (r) => (result = r));
  if (result === undefined) throw new Error("export did not report before returning");
  return result;
}

describe("OtlpJsonFileSpanExporter", () => {
  it("creates the directory, then appends the collector's line for the spans", () => {
    const file = path.join(tempDir(), "nested", "audit", "traces.jsonl");
    const exporter = new OtlpJsonFileSpanExporter({ path: file });
    expect(existsSync(path.dirname(file))).toBe(true);
    expect(exportNow(exporter)).toEqual({ code: ExportResultCode.SUCCESS });
    expect(readFileSync(file, "utf8")).toBe(EXPECTED_LINE + "\n");
  });

  it("writes one line per export call, whatever the number of spans", () => {
    const file = path.join(tempDir(), "traces.jsonl");
    const exporter = new OtlpJsonFileSpanExporter({ path: file });
    exportNow(exporter, [toolSpan()]);
    exportNow(exporter, [toolSpan(), toolSpan({ name: "second" })]);
    const lines = readFileSync(file, "utf8").split("\n");
    expect(lines.at(-1)).toBe("");
    const spansPerLine = lines
      .slice(0, -1)
      .map((line) => (JSON.parse(line) as { resourceSpans: [{ scopeSpans: [{ spans: unknown[] }] }] }).resourceSpans[0].scopeSpans[0].spans.length);
    expect(spansPerLine).toEqual([1, 2]);
  });

  it("reports success only once the line is in the file", () => {
    const file = path.join(tempDir(), "traces.jsonl");
    const exporter = new OtlpJsonFileSpanExporter({ path: file });
    let contentAtCallback = "";
    exporter.export([toolSpan()], () => (contentAtCallback = readFileSync(file, "utf8")));
    expect(contentAtCallback).toBe(EXPECTED_LINE + "\n");
  });

  it("appends to an existing file", () => {
    const file = path.join(tempDir(), "traces.jsonl");
    exportNow(new OtlpJsonFileSpanExporter({ path: file }));
    exportNow(new OtlpJsonFileSpanExporter({ path: file }));
    expect(readFileSync(file, "utf8")).toBe(`${EXPECTED_LINE}\n${EXPECTED_LINE}\n`);
  });

  it("writes nothing for an empty export", () => {
    const file = path.join(tempDir(), "traces.jsonl");
    expect(exportNow(new OtlpJsonFileSpanExporter({ path: file }), [])).toEqual({ code: ExportResultCode.SUCCESS });
    expect(existsSync(file)).toBe(false);
  });

  it("recreates a directory removed while the app runs", () => {
    const dir = path.join(tempDir(), "audit");
    const exporter = new OtlpJsonFileSpanExporter({ path: path.join(dir, "traces.jsonl") });
    rmSync(dir, { recursive: true });
    expect(exportNow(exporter).code).toBe(ExportResultCode.SUCCESS);
    expect(readFileSync(path.join(dir, "traces.jsonl"), "utf8")).toBe(EXPECTED_LINE + "\n");
  });

  it("reports a write failure as FAILED instead of throwing", () => {
    const dir = tempDir();
    const exporter = new OtlpJsonFileSpanExporter({ path: dir }); // a directory: appending to it fails (EISDIR)
    const result = exportNow(exporter);
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(result.error).toBeInstanceOf(Error);
  });

  it("fails exports after shutdown; forceFlush and shutdown resolve", async () => {
    const file = path.join(tempDir(), "traces.jsonl");
    const exporter = new OtlpJsonFileSpanExporter({ path: file });
    await expect(exporter.forceFlush()).resolves.toBeUndefined();
    await expect(exporter.shutdown()).resolves.toBeUndefined();
    expect(exportNow(exporter).code).toBe(ExportResultCode.FAILED);
    expect(existsSync(file)).toBe(false);
  });

  it("throws from the constructor when the directory cannot be created", () => {
    const file = path.join(tempDir(), "traces.jsonl");
    exportNow(new OtlpJsonFileSpanExporter({ path: file }));
    expect(() => new OtlpJsonFileSpanExporter({ path: path.join(file, "sub", "traces.jsonl") })).toThrow(/ENOTDIR|EEXIST/);
  });
});
