// SPDX-License-Identifier: Apache-2.0
// The audit CLI on the collector's own files: the quickstart example exports to the real stack, then
// `langchain-otel-audit verify` checks the collector's audit directory (clean), a copy with one character of one
// span changed (a hash mismatch at that file and line) and a copy with one line of logs.jsonl removed (a gap of
// exactly that line's seqs); `sessions`, `show` and `export --format csv` rebuild the run from the same files.
import { cpSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../collector-config/scripts/stack.mjs";
import { UNSIGNED_NOTE } from "../packages/audit-cli/dist/verify/verify-trail.js";
import { auditCli, chainOf, completeChain, instanceChains, parseCsv, verifyJson, NO_PROBLEMS } from "./support/audit-cli.ts";
import { type NodeRun, otlpAppEnv, runNode } from "./support/child.ts";
import { type FileLogRecord, type FileSpan, readFileSpans, readLogRecords } from "./support/otlp-files.ts";
import { pollUntilStable } from "./support/poll.ts";
import { RUN_START, runSpans } from "./support/runs.ts";
import { useStack } from "./support/stack.ts";

const SERVICE = "e2e-verify-quickstart";
const SESSION = "demo-session-1";
const USER = "demo-user";
/**
 * Small export batches, so each audit file has several lines (as a real trail has): a removed line in the middle
 * is then a gap the verifier can see (a missing tail cannot be seen from the trail alone).
 */
const SPAN_BATCH = 2;
const RECORD_BATCH = 4;

const stack = useStack("verify");

const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter((line) => line !== "");
const stdoutLines = (run: NodeRun) => run.stdout.split("\n").filter((line) => line !== "");
/** `audit.seq` of every span or record of one OTLP/JSON line. */
function seqsOfLine(line: string): number[] {
  const request = JSON.parse(line);
  const items = [
    ...(request.resourceSpans ?? []).flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)),
    ...(request.resourceLogs ?? []).flatMap((rl: any) => rl.scopeLogs.flatMap((sl: any) => sl.logRecords)),
  ];
  return items.map((item: any) => Number(item.attributes.find((a: any) => a.key === "audit.seq").value.intValue));
}
/** ISO 8601 to the millisecond (truncated) of an OTLP nanosecond timestamp. */
const isoOfNanos = (nanos: string | undefined) => new Date(Number(BigInt(nanos ?? "0") / 1_000_000n)).toISOString();

describe("langchain-otel-audit on the collector's audit directory after the quickstart example", () => {
  let app: NodeRun;
  let spans: FileSpan[] = [];
  let records: FileLogRecord[] = [];
  let instance: string;
  let traceId: string;

  beforeAll(async () => {
    app = await runNode(["--import", "@langchain-otel/node/register", "src/main.mjs"], {
      cwd: path.join(REPO_ROOT, "examples", "quickstart"),
      env: otlpAppEnv(SERVICE, { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: String(SPAN_BATCH), OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: String(RECORD_BATCH) }),
      timeoutMillis: 60_000,
    });
    const { value } = await pollUntilStable(
      () => ({ spans: readFileSpans(stack.paths.tracesFile), records: readLogRecords(stack.paths.logsFile) }),
      (found) => `${found.spans.length}/${found.records.length}`,
      { timeoutMillis: 20_000, quietMillis: 1000, ready: (found) => found.spans.length > 0 && found.records.length === 2 * found.spans.length },
    );
    ({ spans = [], records = [] } = value ?? {});
    instance = String(records[0]?.resource["service.instance.id"]);
    traceId = spans.find((s) => !s.parentSpanId)?.traceId ?? "";
    console.log(
      `[verify] quickstart exit ${app.code}; ${spans.length} spans in ${lines(stack.paths.tracesFile).length} lines, ` +
        `${records.length} records in ${lines(stack.paths.logsFile).length} lines; instance ${instance}`,
    );
  }, 60_000);

  it("the example ran and its trail is in several lines per file, from one instance", () => {
    expect({ code: app.code, stderr: app.stderr }).toEqual({ code: 0, stderr: "" });
    expect(runSpans(spans).size).toBe(6);
    expect(records).toHaveLength(12);
    expect(new Set(records.map((r) => r.resource["service.instance.id"]))).toEqual(new Set([instance]));
    expect(lines(stack.paths.tracesFile).length).toBeGreaterThanOrEqual(3);
    expect(lines(stack.paths.logsFile).length).toBeGreaterThanOrEqual(3);
    // The app's metrics, exported once at its shutdown, beside the trail (verify reads past them).
    expect(lines(stack.paths.metricsFile)).toHaveLength(1);
  });

  it("verify: exit 0, both chains complete with no gap, and a clean summary", async () => {
    const run = await auditCli(["verify", stack.paths.auditDir]);
    const chain = String(records[0]?.attributes["audit.chain"]);
    const files = [stack.paths.logsFile, stack.paths.metricsFile, stack.paths.tracesFile];
    const bytes = files.reduce((sum, file) => sum + statSync(file).size, 0);
    const lineCount = files.reduce((sum, file) => sum + lines(file).length, 0);
    expect({ code: run.code, stderr: run.stderr, stdout: stdoutLines(run) }).toEqual({
      code: 0,
      stderr: "",
      stdout: [
        `read ${files.length} files, ${lineCount} lines, ${bytes} bytes`,
        `instance ${instance} chain ${chain}`,
        "  traces: 6 records (seq 1..6), 0 duplicates: ok",
        "  logs: 12 records (seq 1..12), 0 duplicates: ok",
        "OK: 18 records verified in 2 chains",
        `note: ${UNSIGNED_NOTE}`,
      ],
    });

    const { run: jsonRun, report } = await verifyJson([stack.paths.auditDir]);
    expect(jsonRun.code).toBe(0);
    expect(report?.problems).toEqual(NO_PROBLEMS);
    expect(instanceChains(report, instance)).toEqual({ traces: completeChain(6), logs: completeChain(12) });
  });

  it("verify: one character changed in one span's attribute value → exit 1, the hash mismatch names that file and line", async () => {
    const copy = path.join(stack.stackDir, "tampered-audit");
    cpSync(stack.paths.auditDir, copy, { recursive: true });
    const file = path.join(copy, "traces.jsonl");
    const original = lines(file);
    const lineNumber = 2;
    const needle = '{"key":"langchain.run_name","value":{"stringValue":"';
    const at = original[lineNumber - 1]!.indexOf(needle) + needle.length;
    expect(at).toBeGreaterThan(needle.length);
    const before = original[lineNumber - 1]!;
    const after = `${before.slice(0, at)}${before[at] === "X" ? "Y" : "X"}${before.slice(at + 1)}`;
    writeFileSync(file, [...original.slice(0, lineNumber - 1), after, ...original.slice(lineNumber)].join("\n") + "\n");

    // Exactly one character of the file differs, in a span whose seq we read from the untouched line.
    expect([...before].filter((c, i) => c !== after[i]).length).toBe(1);
    const name = (line: string) =>
      JSON.parse(line).resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)).map((s: any) => JSON.stringify(s.attributes));
    const changedIndex = name(before).findIndex((attrs: string, i: number) => attrs !== name(after)[i]);
    const seq = seqsOfLine(before)[changedIndex];

    const run = await auditCli(["verify", copy]);
    expect(run.code).toBe(1);
    const out = stdoutLines(run);
    expect(out).toContain(`    hash mismatch: ${file}:${lineNumber} (seq ${seq}): audit.hash does not verify`);
    expect(out).toContain("  traces: 6 records (seq 1..6), 0 duplicates: FAILED");
    expect(out).toContain("  logs: 12 records (seq 1..12), 0 duplicates: ok");
    expect(out.at(-2)).toBe("FAILED: 1 hash mismatch");
    expect(out.filter((line) => line.includes("gap:"))).toEqual([]);
  });

  it("verify: one line removed from logs.jsonl → exit 1 with a gap naming exactly that line's seqs", async () => {
    const copy = path.join(stack.stackDir, "line-removed-audit");
    cpSync(stack.paths.auditDir, copy, { recursive: true });
    const file = path.join(copy, "logs.jsonl");
    const original = lines(file);
    // The second line: neither the first records nor the last (a missing tail is invisible to a verifier).
    const removed = seqsOfLine(original[1]!).sort((a, b) => a - b);
    const [from, to] = [removed[0]!, removed.at(-1)!];
    expect(removed).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
    expect(to).toBeLessThan(12);
    writeFileSync(file, [original[0], ...original.slice(2)].join("\n") + "\n");

    const run = await auditCli(["verify", copy]);
    expect(run.code).toBe(1);
    const out = stdoutLines(run);
    expect(out).toContain(`  logs: ${12 - removed.length} records (seq 1..12), 0 duplicates: FAILED`);
    expect(out).toContain(`    gap: seq ${from}..${to} missing (${removed.length} records)`);
    expect(out).toContain("  traces: 6 records (seq 1..6), 0 duplicates: ok");
    expect(out.filter((line) => line.includes("hash mismatch"))).toEqual([]);
    expect(out.at(-2)).toMatch(/^FAILED: 1 gap\b/);

    const { report } = await verifyJson([copy]);
    expect(chainOf(report, instance, "logs")?.gaps).toEqual([{ from, to }]);
  });

  it("sessions: one session with the example's user, time range, runs, errors and tokens", async () => {
    const chat = spans.find((s) => s.attributes["langchain.run_type"] === "chat_model")!;
    const times = records.map((r) => isoOfNanos(r.timeUnixNano)).sort();
    const expected = {
      session: SESSION,
      user: USER,
      tenant: null,
      first: times[0],
      last: times.at(-1),
      runs: 6,
      errors: 0,
      inputTokens: chat.attributes["gen_ai.usage.input_tokens"],
      outputTokens: chat.attributes["gen_ai.usage.output_tokens"],
      // The example's scripted model has no price in the built-in table, so no cost is claimed.
      costUsd: null,
      source: "records",
    };
    expect(expected.inputTokens).toBeGreaterThan(0);

    const json = await auditCli(["sessions", "--json", stack.paths.auditDir]);
    expect(json.code).toBe(0);
    expect(stdoutLines(json).map((line) => JSON.parse(line))).toEqual([expected]);

    const text = await auditCli(["sessions", stack.paths.auditDir]);
    expect(text.code).toBe(0);
    const [header, ...rows] = stdoutLines(text).map((line) => line.trim().split(/\s+/));
    expect(header).toEqual(["SESSION", "USER", "TENANT", "FIRST", "LAST", "RUNS", "ERRORS", "INPUT_TOKENS", "OUTPUT_TOKENS", "COST_USD", "SOURCE"]);
    expect(rows).toEqual([
      [SESSION, USER, "-", expected.first, expected.last, "6", "0", String(expected.inputTokens), String(expected.outputTokens), "-", "records"],
    ]);
  });

  it("show --session: the example's run tree, with run types, statuses and the model's tokens", async () => {
    const chat = spans.find((s) => s.attributes["langchain.run_type"] === "chat_model")!;
    const run = await auditCli(["show", "--session", SESSION, stack.paths.auditDir]);
    expect(run.code).toBe(0);
    // Durations vary from run to run; everything else is fixed by the example.
    expect(stdoutLines(run).map((line) => line.replace(/\b\d+\.\d ms\b/, "<d> ms"))).toEqual([
      `trace ${traceId}  session ${SESSION}  user ${USER}`,
      "support_request [lambda] <d> ms ok",
      "  execute_tool lookup_policy [tool] <d> ms ok",
      "  answer [chain] <d> ms ok",
      "    ChatPromptTemplate [prompt] <d> ms ok",
      `    chat scripted-model-1 [chat_model] <d> ms ok tokens ${chat.attributes["gen_ai.usage.input_tokens"]} in, ${chat.attributes["gen_ai.usage.output_tokens"]} out`,
      "    StrOutputParser [parser] <d> ms ok",
    ]);
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const none = await auditCli(["show", "--session", "no-such-session", stack.paths.auditDir]);
    expect(none.code).toBe(1);
  });

  it("export --format csv: the header, then one row per audit record with its identity, context and outcome", async () => {
    const run = await auditCli(["export", "--format", "csv", stack.paths.auditDir]);
    expect(run.code).toBe(0);
    expect(run.stdout.endsWith("\r\n")).toBe(true);
    const [header, ...rows] = parseCsv(run.stdout);
    const fields = [
      "time", "event", "instance", "seq", "trace_id", "span_id", "run_id", "parent_run_id", "run_type", "run_name",
      "session", "user", "tenant", "model", "status", "error_type", "duration_ms", "input_tokens", "output_tokens",
    ];
    expect(header).toEqual(fields);

    // In file order, as the records are in logs.jsonl.
    const text = (value: unknown) => (value === undefined || value === null ? "" : String(value));
    const expected = records.map((r) => {
      const a = r.attributes;
      const start = a["event.name"] === RUN_START;
      return [
        isoOfNanos(r.timeUnixNano),
        text(a["event.name"]),
        instance,
        text(a["audit.seq"]),
        r.traceId,
        r.spanId,
        text(a["langchain.run_id"]),
        text(a["langchain.parent_run_id"]),
        text(a["langchain.run_type"]),
        text(a["langchain.run_name"]),
        SESSION,
        USER,
        "",
        a["langchain.run_type"] === "chat_model" ? "scripted-model-1" : "",
        start ? "" : "ok",
        "",
        start ? "" : text(a["langchain.duration_ms"]),
        text(a["gen_ai.usage.input_tokens"]),
        text(a["gen_ai.usage.output_tokens"]),
      ];
    });
    expect(rows).toEqual(expected);
    // The rows the example is known by: its root run first, the model's usage on the model's end record.
    expect(rows.map((row) => row[3])).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(rows[0]!.slice(1, 2).concat(rows[0]!.slice(8, 12))).toEqual([RUN_START, "lambda", "support_request", SESSION, USER]);
    const chatEnd = rows.find((row) => row[8] === "chat_model" && row[1] === "langchain.run.end")!;
    expect(chatEnd.slice(13, 19).map((v, i) => (i === 3 ? "<d>" : v))).toEqual(["scripted-model-1", "ok", "", "<d>", expect.stringMatching(/^[1-9]\d*$/), expect.stringMatching(/^[1-9]\d*$/)]);
  });
});
