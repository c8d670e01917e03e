// SPDX-License-Identifier: Apache-2.0
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, removeTempDirs, runCli, tempDir } from "./cli.js";
import { editLine, lines, writeLines } from "./files.js";
import { AGENT_RUN, CHAIN, INSTANCE, LATE_RUN, SHORT_RUN, writeStandardTrail, writeTrail } from "./scenario.js";
import { TrailWriter } from "./trail.js";
import { UNSIGNED_NOTE } from "../src/verify/verify-trail.js";

/** The last line of every verdict given without a public key. */
const NOTE = `note: ${UNSIGNED_NOTE}`;

beforeAll(assertBuilt);
afterEach(removeTempDirs);

function bytesOf(dir: string, ...files: string[]): number {
  return files.reduce((sum, f) => sum + statSync(path.join(dir, f)).size, 0);
}

describe("verify", () => {
  it("passes a clean trail", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout).toBe(
      [
        `read 2 files, 4 lines, ${bytesOf(dir, "traces.jsonl", "logs.jsonl")} bytes`,
        `instance ${INSTANCE} chain ${CHAIN}`,
        "  traces: 5 records (seq 1..5), 0 duplicates: ok",
        "  logs: 10 records (seq 1..10), 0 duplicates: ok",
        "OK: 15 records verified in 2 chains",
        NOTE,
        "",
      ].join("\n"),
    );
    expect([result.code, result.stderr]).toEqual([0, ""]);
  });

  it("names the file and line of a record changed by one character", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    // The tool run's span (seq 2 of the traces chain) has its run name in line 1.
    editLine(path.join(dir, "traces.jsonl"), 1, (line) => line.replace('"stringValue":"lookup_policy"', '"stringValue":"lookup_polich"'));
    const result = await runCli(["verify", "traces.jsonl", "logs.jsonl"], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 5 records (seq 1..5), 0 duplicates: FAILED",
      "    hash mismatch: traces.jsonl:1 (seq 2): audit.hash does not verify",
      "  logs: 10 records (seq 1..10), 0 duplicates: ok",
      "FAILED: 1 hash mismatch",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(1);
  });

  it("catches a record whose audit.hash was recomputed after the change: its successor no longer links", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const file = path.join(dir, "logs.jsonl");
    const clean = await runCli(["verify", "--json", "logs.jsonl"], dir);
    expect(clean.code).toBe(0);
    // Swap seq 3 for a forged record with a consistent hash of its own; seq 4 still names the original's hash.
    const { canonicalJson, canonicalLogRecordFromOtlpJson, canonicalResourceFromOtlpJson, canonicalScopeFromOtlpJson, chainHash } = await import(
      "@langchain-otel/node/integrity"
    );
    const request = JSON.parse(lines(file)[0]!);
    const [resourceLogs] = request.resourceLogs;
    const records = resourceLogs.scopeLogs[0].logRecords;
    const context = {
      resource: canonicalResourceFromOtlpJson(resourceLogs.resource, resourceLogs.schemaUrl),
      scope: canonicalScopeFromOtlpJson(resourceLogs.scopeLogs[0].scope, resourceLogs.scopeLogs[0].schemaUrl),
    };
    const hashOf = (r: { attributes: Array<{ key: string; value: { stringValue?: string } }> }) => r.attributes.find((a) => a.key === "audit.hash")!.value;
    const forged = records[2];
    forged.attributes.find((a: { key: string }) => a.key === "gen_ai.usage.input_tokens").value = { intValue: "12" };
    hashOf(forged).stringValue = chainHash(hashOf(records[1]).stringValue!, canonicalJson(canonicalLogRecordFromOtlpJson(forged, context)));
    writeLines(file, [JSON.stringify(request), lines(file)[1]!]);
    const result = await runCli(["verify", "logs.jsonl"], dir);
    expect(result.stdout).toContain("    hash mismatch: logs.jsonl:1 (seq 4): audit.hash does not verify\n");
    expect(result.code).toBe(1);
  });

  it("reports the seq range of a removed line as a gap", async () => {
    const dir = tempDir();
    await writeTrail(dir, [[AGENT_RUN], [SHORT_RUN], [LATE_RUN]]);
    const logs = path.join(dir, "logs.jsonl");
    const [first, , third] = lines(logs);
    writeLines(logs, [first!, third!]);
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 6 records (seq 1..6), 0 duplicates: ok",
      "  logs: 10 records (seq 1..12), 0 duplicates: FAILED",
      "    gap: seq 9..10 missing (2 records)",
      "FAILED: 1 gap",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(1);
  });

  it("reports a missing beginning (the oldest file rotated away) as a gap from 1", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const traces = path.join(dir, "traces.jsonl");
    writeLines(traces, lines(traces).slice(1));
    const result = await runCli(["verify", "traces.jsonl"], dir);
    expect(result.stdout.split("\n").slice(1, -1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 1 record (seq 5), 0 duplicates: FAILED",
      "    gap: seq 1..4 missing (4 records)",
      "FAILED: 1 gap",
      NOTE,
    ]);
  });

  it("dedupes a line delivered twice and still passes", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const logs = path.join(dir, "logs.jsonl");
    writeLines(logs, [...lines(logs), lines(logs)[0]!]);
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 5 records (seq 1..5), 0 duplicates: ok",
      "  logs: 10 records (seq 1..10), 8 duplicates: ok",
      "OK: 15 records verified in 2 chains",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(0);
  });

  it("says what it could not verify when a repeat arrives after its hash left the window", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const logs = path.join(dir, "logs.jsonl");
    writeLines(logs, [...lines(logs), lines(logs)[0]!]);
    const result = await runCli(["verify", "--window", "1", "logs.jsonl"], dir);
    expect(result.stdout.split("\n").slice(1, -1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  logs: 10 records (seq 1..10), 0 duplicates: FAILED",
      ...[1, 2, 3, 4, 5, 6, 7, 8].slice(0, 10).map((seq) => `    not verified: logs.jsonl:3 (seq ${seq}): a repeat of a record outside the verification window (--window)`),
      "FAILED: 8 records not verified",
      NOTE,
    ]);
    expect(result.code).toBe(1);
  });

  it("flags a repeated record whose content differs from the first delivery", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const logs = path.join(dir, "logs.jsonl");
    const all = lines(logs);
    writeLines(logs, [...all, all[1]!.replace('"stringValue":"u-2"', '"stringValue":"u-3"')]);
    const result = await runCli(["verify", "logs.jsonl"], dir);
    expect(result.stdout.split("\n").slice(1, -1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  logs: 10 records (seq 1..10), 1 duplicate: FAILED",
      "    hash mismatch: logs.jsonl:3 (seq 9): audit.hash does not verify",
      "FAILED: 1 hash mismatch",
      NOTE,
    ]);
    expect(result.code).toBe(1);
  });

  it("verifies a chain across rotated backups, in name order or in any order given", async () => {
    const source = tempDir();
    await writeStandardTrail(source);
    const dir = tempDir();
    for (const signal of ["traces", "logs"]) {
      const [older, newer] = lines(path.join(source, `${signal}.jsonl`));
      writeLines(path.join(dir, `${signal}-2026-11-24T10-54-25.000-size.jsonl`), [older!]);
      writeLines(path.join(dir, `${signal}.jsonl`), [newer!]);
    }
    const byName = await runCli(["verify", "."], dir);
    expect(byName.stdout).toBe(
      [
        `read 4 files, 4 lines, ${bytesOf(source, "traces.jsonl", "logs.jsonl")} bytes`,
        `instance ${INSTANCE} chain ${CHAIN}`,
        "  traces: 5 records (seq 1..5), 0 duplicates: ok",
        "  logs: 10 records (seq 1..10), 0 duplicates: ok",
        "OK: 15 records verified in 2 chains",
        NOTE,
        "",
      ].join("\n"),
    );
    expect(byName.code).toBe(0);
    const reversed = await runCli(["verify", "traces.jsonl", "logs.jsonl", "logs-2026-11-24T10-54-25.000-size.jsonl", "traces-2026-11-24T10-54-25.000-size.jsonl"], dir);
    expect(reversed.stdout.split("\n").slice(1)).toEqual(byName.stdout.split("\n").slice(1));
    expect(reversed.code).toBe(0);
  });

  it("reports malformed lines and records and verifies the rest", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const traces = path.join(dir, "traces.jsonl");
    const [first, second] = lines(traces);
    const badRecord = JSON.stringify({
      resourceSpans: [{ scopeSpans: [{ spans: [{ name: "x", kind: "INTERNAL", attributes: [{ key: "audit.seq", value: { intValue: "9" } }] }] }] }],
    });
    writeFileSync(traces, [first, "{not json", badRecord, second].join("\n") + "\n" + second!.slice(0, 40));
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 5 records (seq 1..5), 0 duplicates: ok",
      "  logs: 10 records (seq 1..10), 0 duplicates: ok",
      "malformed: 2 lines",
      "  traces.jsonl:2: not JSON",
      "  traces.jsonl:3: resourceSpans[0].scopeSpans[0].spans[0]: kind is not an integer",
      // The cut-off last line is a torn write, not a malformed line.
      "warning: traces.jsonl:5: a last line cut off mid-write (its writer was stopped mid-write); skipped",
      "FAILED: 2 malformed lines",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(1);
  });

  it("reads past metrics.jsonl beside the trail (no chain in it), and sessions and show do too", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    // What the distro and the collector's metrics pipeline write: one ExportMetricsServiceRequest per line.
    const point = (type: string, sum: number) => ({
      attributes: [
        { key: "gen_ai.operation.name", value: { stringValue: "chat" } },
        { key: "gen_ai.token.type", value: { stringValue: type } },
      ],
      startTimeUnixNano: "1796491231665000000",
      timeUnixNano: "1796491231683000000",
      count: "1",
      sum,
      bucketCounts: ["0", "0", "1", "0"],
      explicitBounds: [1, 4, 16],
      min: sum,
      max: sum,
    });
    const metricsLine = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: "service.instance.id", value: { stringValue: INSTANCE } }] },
          scopeMetrics: [
            {
              scope: { name: "@langchain-otel/instrumentation", version: "0.1.0" },
              metrics: [{ name: "gen_ai.client.token.usage", unit: "{token}", histogram: { dataPoints: [point("input", 10), point("output", 5)], aggregationTemporality: 2 } }],
            },
          ],
        },
      ],
    });
    writeLines(path.join(dir, "metrics.jsonl"), [metricsLine, metricsLine]);
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n")).toEqual([
      `read 3 files, 6 lines, ${bytesOf(dir, "traces.jsonl", "logs.jsonl", "metrics.jsonl")} bytes`,
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 5 records (seq 1..5), 0 duplicates: ok",
      "  logs: 10 records (seq 1..10), 0 duplicates: ok",
      "OK: 15 records verified in 2 chains",
      NOTE,
      "",
    ]);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    for (const command of [["sessions"], ["show", "--session", "s-1"]]) {
      const withMetrics = await runCli([...command, "."], dir);
      const without = await runCli([...command, "traces.jsonl", "logs.jsonl"], dir);
      expect({ command, ...withMetrics }).toEqual({ command, ...without });
      expect([without.code, without.stderr]).toEqual([0, ""]);
    }
  });

  it("reports a run start without an end: a crash mid-run", async () => {
    const dir = tempDir();
    const crashed = { ...SHORT_RUN, id: "019ab3c5-0000-7000-8000-00000000cccc", open: true };
    await writeTrail(dir, [[AGENT_RUN], [crashed]]);
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 4 records (seq 1..4), 0 duplicates: ok",
      "  logs: 9 records (seq 1..9), 0 duplicates: ok",
      "unmatched run starts: 1",
      '  run 019ab3c5-0000-7000-8000-00000000cccc (llm "ChatOpenAI") started at logs.jsonl:2, no end or error record',
      "FAILED: 1 unmatched run start",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(1);
  });

  it("verifies the directories of several gateways in one call: chains put together across them, a summary per instance", async () => {
    // Two gateways each wrote part of the same two instances' trails (at-least-once: one batch reached both).
    const a = tempDir();
    await writeTrail(a, [[AGENT_RUN], [SHORT_RUN]], "instance-a");
    const b = tempDir();
    await writeTrail(b, [[LATE_RUN]], "instance-b");
    const root = tempDir();
    const [gw1, gw2] = [path.join(root, "gateway-1"), path.join(root, "gateway-2")];
    for (const dir of [gw1, gw2]) mkdirSync(dir);
    for (const signal of ["traces", "logs"]) {
      const [first, second] = lines(path.join(a, `${signal}.jsonl`));
      writeLines(path.join(gw1, `${signal}.jsonl`), [first!, ...lines(path.join(b, `${signal}.jsonl`))]);
      writeLines(path.join(gw2, `${signal}.jsonl`), [first!, second!]);
    }
    const result = await runCli(["verify", "gateway-1", "gateway-2"], root);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance instance-a chain ${CHAIN}`,
      "  traces: 5 records (seq 1..5), 4 duplicates: ok",
      "  logs: 10 records (seq 1..10), 8 duplicates: ok",
      `instance instance-b chain ${CHAIN}`,
      "  traces: 1 record (seq 1), 0 duplicates: ok",
      "  logs: 2 records (seq 1..2), 0 duplicates: ok",
      "instances: 2, 2 ok",
      "  instance-a: 2 chains, 15 records: ok",
      "  instance-b: 2 chains, 3 records: ok",
      "OK: 18 records verified in 4 chains",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(0);
  });

  it("keeps one chain per instance and signal, sums up each instance, and fails a record without audit fields", async () => {
    const dir = tempDir();
    await writeTrail(dir, [[AGENT_RUN]], "instance-a");
    const other = tempDir();
    await writeTrail(other, [[SHORT_RUN]], "instance-b");
    const unstamped = lines(path.join(other, "traces.jsonl"))[0]!.replace(/,\{"key":"audit\.seq".*?\},\{"key":"audit\.hash","value":\{"stringValue":"[0-9a-f]{64}"\}\}/, "");
    writeLines(path.join(dir, "b-traces.jsonl"), [lines(path.join(other, "traces.jsonl"))[0]!, unstamped]);
    copyFileSync(path.join(other, "logs.jsonl"), path.join(dir, "b-logs.jsonl"));
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance instance-a chain ${CHAIN}`,
      "  traces: 4 records (seq 1..4), 0 duplicates: ok",
      "  logs: 8 records (seq 1..8), 0 duplicates: ok",
      `instance instance-b chain ${CHAIN}`,
      "  traces: 1 record (seq 1), 0 duplicates, 1 without audit fields: FAILED",
      "    unstamped: b-traces.jsonl:2: a record without audit.seq and audit.hash: it belongs to no chain (injected, or written by a process without the integrity processors)",
      "  logs: 2 records (seq 1..2), 0 duplicates: ok",
      "instances: 2, 1 ok, 1 FAILED",
      "  instance-a: 2 chains, 12 records: ok",
      "  instance-b: 2 chains, 3 records: FAILED (1 finding)",
      "FAILED: 1 unstamped record",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(1);
  });

  it("a fixed service.instance.id across a restart (or two replicas): one chain per process, each verifies from seq 1", async () => {
    const dir = tempDir();
    const second = "0b6d5d53-6a9a-4c8f-b7e4-2d1f9e3c4a55";
    for (const [chainId, suffix] of [
      [CHAIN, ""],
      [second, "-2"],
    ] as const) {
      const writer = new TrailWriter(dir, "pod-1", { traces: `traces${suffix}.jsonl`, logs: `logs${suffix}.jsonl`, chainId });
      writer.run(AGENT_RUN);
      await writer.flush();
      await writer.close();
    }
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance pod-1 chain ${second}`,
      "  traces: 4 records (seq 1..4), 0 duplicates: ok",
      "  logs: 8 records (seq 1..8), 0 duplicates: ok",
      `instance pod-1 chain ${CHAIN}`,
      "  traces: 4 records (seq 1..4), 0 duplicates: ok",
      "  logs: 8 records (seq 1..8), 0 duplicates: ok",
      "OK: 24 records verified in 4 chains",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(0);
  });

  it("a chain cut short in the middle still shows its gap, in that chain only", async () => {
    const dir = tempDir();
    const second = "0b6d5d53-6a9a-4c8f-b7e4-2d1f9e3c4a55";
    await writeStandardTrail(dir);
    const writer = new TrailWriter(dir, INSTANCE, { traces: "traces-2.jsonl", logs: "logs-2.jsonl", chainId: second });
    for (const run of [AGENT_RUN, SHORT_RUN, LATE_RUN]) {
      writer.run(run);
      await writer.flush();
    }
    await writer.close();
    const traces2 = path.join(dir, "traces-2.jsonl");
    writeLines(traces2, [lines(traces2)[0]!, lines(traces2)[2]!]);
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1, 8)).toEqual([
      `instance ${INSTANCE} chain ${second}`,
      "  traces: 5 records (seq 1..6), 0 duplicates: FAILED",
      "    gap: seq 5 missing (1 record)",
      "  logs: 12 records (seq 1..12), 0 duplicates: ok",
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 5 records (seq 1..5), 0 duplicates: ok",
      "  logs: 10 records (seq 1..10), 0 duplicates: ok",
    ]);
    expect(result.stdout.split("\n").slice(-3)).toEqual(["FAILED: 1 gap", NOTE, ""]);
    expect(result.code).toBe(1);
  });

  it("reports what a loss record says was lost, beside the gap it explains, and fails", async () => {
    const dir = tempDir();
    const writer = new TrailWriter(dir, INSTANCE);
    writer.run(AGENT_RUN);
    await writer.flush();
    writer.run(SHORT_RUN);
    const loss = { "audit.loss.signal": "traces", "audit.loss.count": 1, "audit.loss.first_seq": 5, "audit.loss.last_seq": 5, "audit.loss.reason": "queue_full" };
    writer.record("langchain.audit.loss", loss, 40, "1 spans lost");
    await writer.flush();
    writer.run(LATE_RUN);
    await writer.flush();
    await writer.close();
    // The span the loss record speaks of is not in the trail: a gap, and its explanation.
    const traces = path.join(dir, "traces.jsonl");
    writeLines(traces, [lines(traces)[0]!, lines(traces)[2]!]);
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      "  traces: 5 records (seq 1..6), 0 duplicates: FAILED",
      "    gap: seq 5 missing (1 record); recorded lost by the process",
      "    recorded loss: logs.jsonl:2 (seq 5): lost by the writing process, never written: 1 span (queue_full, seq 5)",
      "  logs: 13 records (seq 1..13), 0 duplicates: ok",
      "FAILED: 1 gap, 1 recorded loss",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(1);
    const report = JSON.parse((await runCli(["verify", "--json", "."], dir)).stdout);
    expect(report.losses).toEqual([
      { instance: INSTANCE, chain: CHAIN, signal: "traces", count: 1, firstSeq: 5, lastSeq: 5, reason: "queue_full", file: "logs.jsonl", line: 2 },
    ]);
    expect(report.problems.recordedLosses).toBe(1);
    expect(report.findings.filter((f: { code: string }) => f.code === "recorded-loss")).toEqual([
      {
        code: "recorded-loss",
        message: "lost by the writing process, never written: 1 span (queue_full, seq 5)",
        file: "logs.jsonl",
        line: 2,
        instance: INSTANCE,
        chain: CHAIN,
        signal: "traces",
        seq: 5,
        count: 1,
      },
    ]);
  });

  it("a loss at the tail, where no gap shows, still fails", async () => {
    const dir = tempDir();
    const writer = new TrailWriter(dir, INSTANCE);
    writer.run(AGENT_RUN);
    writer.record("langchain.audit.loss", { "audit.loss.signal": "traces", "audit.loss.count": 3, "audit.loss.first_seq": 5, "audit.loss.last_seq": 7, "audit.loss.reason": "write_failed" }, 40);
    await writer.flush();
    await writer.close();
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(-3)).toEqual(["FAILED: 1 recorded loss", NOTE, ""]);
    expect(result.code).toBe(1);
  });

  it("skips a torn last line (its writer was stopped mid-write) with a warning, and still passes", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const logs = path.join(dir, "logs.jsonl");
    writeFileSync(logs, readFileSync(logs, "utf8") + '{"resourceLogs":[{"resource":{"attri');
    const result = await runCli(["verify", "."], dir);
    expect(result.stdout.split("\n").slice(-4)).toEqual([
      "warning: logs.jsonl:3: a last line cut off mid-write (its writer was stopped mid-write); skipped",
      "OK: 15 records verified in 2 chains",
      NOTE,
      "",
    ]);
    expect(result.code).toBe(0);
    // The same bytes followed by a line feed are a malformed line, not a torn one: something wrote after it.
    writeFileSync(logs, readFileSync(logs, "utf8") + "\n");
    expect((await runCli(["verify", "."], dir)).code).toBe(1);
  });

  it("prints the report as JSON with --json", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    editLine(path.join(dir, "traces.jsonl"), 1, (line) => line.replace('"stringValue":"lookup_policy"', '"stringValue":"lookup_polich"'));
    const result = await runCli(["verify", "--json", "."], dir);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    const chain = { checkpoints: 0, signedThrough: null, sealed: false, keyIds: [] };
    expect(report).toEqual({
      ok: false,
      files: 2,
      lines: 4,
      bytes: bytesOf(dir, "traces.jsonl", "logs.jsonl"),
      chains: [
        {
          instance: INSTANCE,
          chain: CHAIN,
          signal: "traces",
          records: 5,
          duplicates: 0,
          unstamped: 0,
          firstSeq: 1,
          lastSeq: 5,
          gaps: [],
          hashMismatches: 1,
          mismatches: [{ file: "traces.jsonl", line: 1, seq: 2, reason: "audit.hash does not verify" }],
          unverified: 0,
          unverifiedRecords: [],
          ...chain,
          findings: 1,
          ok: false,
        },
        {
          instance: INSTANCE,
          chain: CHAIN,
          signal: "logs",
          records: 10,
          duplicates: 0,
          unstamped: 0,
          firstSeq: 1,
          lastSeq: 10,
          gaps: [],
          hashMismatches: 0,
          mismatches: [],
          unverified: 0,
          unverifiedRecords: [],
          ...chain,
          findings: 0,
          ok: true,
        },
      ],
      instances: [{ instance: INSTANCE, chains: 2, records: 15, sealedChains: 0, findings: 1, ok: false }],
      integrity: { signed: false, keyIds: [], anchors: [], anchorCheckpoints: 0, checkpoints: 0, note: UNSIGNED_NOTE },
      findings: [
        {
          code: "hash-mismatch",
          message: "audit.hash does not verify",
          file: "traces.jsonl",
          line: 1,
          instance: INSTANCE,
          chain: CHAIN,
          signal: "traces",
          seq: 2,
          count: 1,
        },
      ],
      findingsTotal: 1,
      findingCounts: { "hash-mismatch": 1 },
      malformedLines: 0,
      malformed: [],
      unmatchedStarts: [],
      endsWithoutStart: 0,
      losses: [],
      tornLastLines: [],
      problems: { gaps: 0, hashMismatches: 1, unverified: 0, malformedLines: 0, unmatchedStarts: 0, recordedLosses: 0 },
    });
  });

  it("exits 2 on usage errors", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    expect(await runCli(["verify"], dir)).toEqual({
      code: 2,
      stdout: "",
      stderr: "langchain-otel-audit verify: verify needs at least one file or directory\nRun 'langchain-otel-audit verify --help' for usage.\n",
    });
    expect(await runCli(["verify", "missing"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("no such file or directory: missing\n") });
    expect(await runCli(["verify", "--bogus", "."], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("Unknown option '--bogus'") });
    expect(await runCli(["verify", "--window", "0", "."], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--window must be a positive integer, got "0"') });
    const empty = tempDir();
    expect(await runCli(["verify", "."], empty)).toMatchObject({ code: 2, stderr: expect.stringContaining("no .jsonl files in .\n") });
    expect(await runCli([], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("Usage: langchain-otel-audit <command>") });
    expect(await runCli(["frobnicate"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "frobnicate"') });
  });

  it("prints help for the CLI and for every command", async () => {
    const dir = tempDir();
    const main = await runCli(["--help"], dir);
    expect([main.code, main.stdout.split("\n")[0]]).toEqual([0, "Usage: langchain-otel-audit <command> [options] [file|dir]..."]);
    for (const command of ["verify", "sessions", "show", "export"]) {
      const help = await runCli([command, "--help"], dir);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: langchain-otel-audit ${command} `));
    }
    const version = await runCli(["--version"], dir);
    expect(version.stdout).toBe(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version + "\n");
  });
});
