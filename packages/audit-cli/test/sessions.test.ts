// SPDX-License-Identifier: Apache-2.0
import { rmSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, removeTempDirs, runCli, tempDir } from "./cli.js";
import { lines, writeLines } from "./files.js";
import { AGENT_RUN, LATE_RUN, PRICED_AGENT_RUN, SHORT_RUN, writeTrail } from "./scenario.js";

beforeAll(assertBuilt);
afterEach(removeTempDirs);

const HEADER = "SESSION  USER  TENANT  FIRST                     LAST                      RUNS  ERRORS  INPUT_TOKENS  OUTPUT_TOKENS  COST_USD   SOURCE";

describe("sessions", () => {
  it("lists one line per session from the audit records, oldest first, repeats counted once, cost summed", async () => {
    const dir = tempDir();
    await writeTrail(dir, [[LATE_RUN], [PRICED_AGENT_RUN], [SHORT_RUN]]);
    const logs = path.join(dir, "logs.jsonl");
    writeLines(logs, [...lines(logs), lines(logs)[1]!]);
    const result = await runCli(["sessions"], dir);
    expect(result.stdout).toBe(
      [
        HEADER,
        // The two priced model calls: 0.0000288 + 0.000039 USD.
        "s-1      u-1   t-1     2026-11-24T10:00:00.000Z  2026-11-24T10:00:00.040Z  4     1       280           43             0.0000678  records",
        "s-2      u-2   t-2     2026-11-24T10:01:00.000Z  2026-11-24T10:01:00.500Z  1     0       10            5              -          records",
        "s-3      u-2   t-2     2026-11-24T10:10:00.000Z  2026-11-24T10:10:00.900Z  1     0       7             3              -          records",
        "",
      ].join("\n"),
    );
    expect([result.code, result.stderr]).toEqual([0, ""]);
  });

  it("falls back to spans for sessions without audit records", async () => {
    const dir = tempDir();
    await writeTrail(dir, [[AGENT_RUN], [SHORT_RUN]]);
    rmSync(path.join(dir, "logs.jsonl"));
    const result = await runCli(["sessions", "--json", "."], dir);
    expect(result.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { session: "s-1", user: "u-1", tenant: "t-1", first: "2026-11-24T10:00:00.000Z", last: "2026-11-24T10:00:00.040Z", runs: 4, errors: 1, inputTokens: 280, outputTokens: 43, costUsd: null, source: "spans" },
      { session: "s-2", user: "u-2", tenant: "t-2", first: "2026-11-24T10:01:00.000Z", last: "2026-11-24T10:01:00.500Z", runs: 1, errors: 0, inputTokens: 10, outputTokens: 5, costUsd: null, source: "spans" },
    ]);
  });

  it("counts a run whose end is missing (crash) and warns about malformed lines", async () => {
    const dir = tempDir();
    await writeTrail(dir, [[{ ...SHORT_RUN, open: true }]]);
    const logs = path.join(dir, "logs.jsonl");
    writeLines(logs, [...lines(logs), "garbage"]);
    const result = await runCli(["sessions", dir], dir);
    expect(result.stdout.split("\n")[1]).toBe("s-2      u-2   t-2     2026-11-24T10:01:00.000Z  2026-11-24T10:01:00.000Z  1     0       0             0              -         records");
    expect(result.stderr).toBe("warning: 1 malformed line(s) or record(s) skipped; run verify for details\n");
    expect(result.code).toBe(0);
  });
});
