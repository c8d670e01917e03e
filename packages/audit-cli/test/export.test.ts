// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, removeTempDirs, runCli, tempDir } from "./cli.js";
import { lines, writeLines } from "./files.js";
import { INSTANCE, SHORT_RUN, writeStandardTrail, writeTrail } from "./scenario.js";

beforeAll(assertBuilt);
afterEach(removeTempDirs);

describe("export", () => {
  it("writes one NDJSON event per audit record, repeats once", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const logs = path.join(dir, "logs.jsonl");
    writeLines(logs, [...lines(logs), lines(logs)[1]!]);
    const result = await runCli(["export", "--format", "ndjson"], dir);
    const events = result.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => [e.seq, e.event, e.run_name])).toEqual([
      [1, "langchain.run.start", "support_agent"],
      [2, "langchain.run.start", "ChatOpenAI"],
      [3, "langchain.run.end", "ChatOpenAI"],
      [4, "langchain.run.start", "lookup_policy"],
      [5, "langchain.run.error", "lookup_policy"],
      [6, "langchain.run.start", "ChatOpenAI"],
      [7, "langchain.run.end", "ChatOpenAI"],
      [8, "langchain.run.end", "support_agent"],
      [9, "langchain.run.start", "ChatOpenAI"],
      [10, "langchain.run.end", "ChatOpenAI"],
    ]);
    expect(result.stdout.split("\n")[2]).toBe(
      JSON.stringify({
        time: "2026-11-24T10:00:00.011Z",
        event: "langchain.run.end",
        instance: INSTANCE,
        seq: 3,
        trace_id: "019ab3c4d5e67f00a1b2c3d4e5f60718",
        span_id: "b1b2c3d4e5f60001",
        run_id: "019ab3c4-d5e6-7f00-b1b2-c3d4e5f60001",
        parent_run_id: "019ab3c4-d5e6-7f00-a1b2-c3d4e5f60718",
        run_type: "llm",
        run_name: "ChatOpenAI",
        session: "s-1",
        user: "u-1",
        tenant: "t-1",
        model: "gpt-4o-mini",
        status: "ok",
        error_type: null,
        duration_ms: 10,
        input_tokens: 120,
        output_tokens: 18,
      }),
    );
    expect([result.code, result.stderr]).toEqual([0, ""]);
  });

  it("writes CSV with a header and RFC 4180 quoting", async () => {
    const dir = tempDir();
    await writeTrail(dir, [[{ ...SHORT_RUN, name: 'triage, "urgent"', type: "tool", session: "s\n1", tokens: undefined, error: "ToolError" }]]);
    const result = await runCli(["export", "--format", "csv", "."], dir);
    expect(result.stdout).toBe(
      "time,event,instance,seq,trace_id,span_id,run_id,parent_run_id,run_type,run_name,session,user,tenant,model,status,error_type,duration_ms,input_tokens,output_tokens\r\n" +
        `2026-11-24T10:01:00.000Z,langchain.run.start,${INSTANCE},1,019ab3c500007000800000000000aaaa,800000000000aaaa,019ab3c5-0000-7000-8000-00000000aaaa,,tool,"triage, ""urgent""","s\n1",u-2,t-2,gpt-4o-mini,,,,,\r\n` +
        `2026-11-24T10:01:00.500Z,langchain.run.error,${INSTANCE},2,019ab3c500007000800000000000aaaa,800000000000aaaa,019ab3c5-0000-7000-8000-00000000aaaa,,tool,"triage, ""urgent""","s\n1",u-2,t-2,gpt-4o-mini,error,ToolError,500,,\r\n`,
    );
  });

  it("refuses an unknown format", async () => {
    const dir = tempDir();
    expect(await runCli(["export", "--format", "xml"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--format must be ndjson or csv, got "xml"') });
  });
});
