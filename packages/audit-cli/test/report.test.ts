// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, removeTempDirs, runCli, tempDir } from "./cli.js";
import { writeReviewTrail } from "./scenario.js";

beforeAll(assertBuilt);
afterEach(removeTempDirs);

describe("report", () => {
  it("writes the page and says what is in it", async () => {
    const dir = tempDir();
    await writeReviewTrail(dir);
    const out = path.join(dir, "report.html");
    expect(await runCli(["report", "--html", out, dir], dir)).toEqual({
      code: 0,
      stdout: `wrote ${out}: 3 sessions, 3 traces, 7 runs; verify FAILED (see the page's banner)\nopen ${pathToFileURL(out).href}\n`,
      stderr: "",
    });
    expect(readFileSync(out, "utf8")).toMatch(/^<!doctype html>\n<html lang="en">/);
  });

  it("writes to standard output with --html -, and keeps to a session", async () => {
    const dir = tempDir();
    await writeReviewTrail(dir);
    const run = await runCli(["report", "--html", "-", "--session", "s-2"], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("3 sessions, 1 trace, 1 run; verify FAILED (see the page's banner)\n");
    expect(run.stdout.match(/<article class="trace/g)).toHaveLength(1);
  });

  it("exits 1 when nothing matches and 2 on a usage error", async () => {
    const dir = tempDir();
    await writeReviewTrail(dir);
    expect(await runCli(["report", "--html", "-", "--session", "nobody"], dir)).toEqual({ code: 1, stdout: "", stderr: "no runs found for session nobody\n" });
    expect(await runCli(["report", "."], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("report needs --html <out>") });
    expect(await runCli(["report", "--html", "-", "--session", "a", "--trace", "b"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("give --session or --trace, not both") });
    expect(await runCli(["report", "--html", "-", "--max-runs", "0"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--max-runs must be a positive integer, got "0"') });
  });
});
