// SPDX-License-Identifier: Apache-2.0
import { copyFileSync } from "node:fs";
import path from "node:path";
import { UNSIGNED_NOTE } from "../src/verify/verify-trail.js";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { writeBigTrail } from "./big-trail.js";
import { CHAIN } from "./scenario.js";
import { assertBuilt, removeTempDirs, runCli, tempDir } from "./cli.js";

beforeAll(assertBuilt);
afterEach(removeTempDirs);

// Prints the child's peak resident set size (kB) on stderr as it exits.
const REPORT_MAX_RSS = 'data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss_kb "+process.resourceUsage().maxRSS+"\\n"))';
/**
 * Measured here (standalone): 144 MB for 20 MB, 236 MB for 200 MB, 235 MB for 400 MB; Node alone takes ~50 MB.
 * Memory grows until each chain's hash window (131,072 records by default) is full, then stays flat.
 */
const MAX_RSS_MB = 288;

function maxRssMbOf(stderr: string): number {
  return Number(/maxrss_kb (\d+)/.exec(stderr)![1]) / 1024;
}

describe("verify on a 200 MB trail", () => {
  it("streams it in bounded memory: V8 old space capped at 32 MB, peak RSS under 288 MB and flat once the hash windows are full", async () => {
    const nodeArgs = ["--max-old-space-size=32", "--import", REPORT_MAX_RSS];
    const smallDir = tempDir();
    await writeBigTrail(smallDir, 20e6, "small-1");
    const small = await runCli(["verify", "."], smallDir, { nodeArgs, timeoutMillis: 60_000 });
    expect(small.code).toBe(0);

    const dir = tempDir();
    const { bytes, runs } = await writeBigTrail(dir, 200e6, "big-1");
    expect(bytes).toBeGreaterThan(200e6);

    const started = Date.now();
    const result = await runCli(["verify", "--progress", "."], dir, { nodeArgs, timeoutMillis: 120_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance big-1 chain ${CHAIN}`,
      `  traces: ${2 * runs} records (seq 1..${2 * runs}), 0 duplicates: ok`,
      `  logs: ${4 * runs} records (seq 1..${4 * runs}), 0 duplicates: ok`,
      `OK: ${6 * runs} records verified in 2 chains`,
      `note: ${UNSIGNED_NOTE}`,
      "",
    ]);
    expect(result.code).toBe(0);
    const maxRssMb = maxRssMbOf(result.stderr);
    expect(maxRssMb).toBeLessThan(MAX_RSS_MB);
    // Twice the data once the windows are full (the same trail again, as rotated backups: all duplicates):
    // not more memory than noise, so what is held does not grow with the trail.
    copyFileSync(path.join(dir, "traces.jsonl"), path.join(dir, "traces-2026-01-01T00-00-00.000.jsonl"));
    copyFileSync(path.join(dir, "logs.jsonl"), path.join(dir, "logs-2026-01-01T00-00-00.000.jsonl"));
    const doubled = await runCli(["verify", "."], dir, { nodeArgs, timeoutMillis: 120_000 });
    expect(doubled.code).toBe(0);
    expect(Math.abs(maxRssMbOf(doubled.stderr) - maxRssMb)).toBeLessThan(32);
    expect(maxRssMbOf(small.stderr)).toBeLessThan(maxRssMb);
    // Progress went to stderr (not a terminal here, so one line per report), ending at 100%.
    expect(result.stderr).toMatch(new RegExp(`read ${(bytes / 1e6).toFixed(1)} MB / ${(bytes / 1e6).toFixed(1)} MB \\(100%\\)\\n`));
    console.log(`verify: ${(bytes / 1e6).toFixed(0)} MB, ${6 * runs} records in ${seconds.toFixed(1)} s (${(bytes / 1e6 / seconds).toFixed(0)} MB/s), peak RSS ${maxRssMb.toFixed(0)} MB (${maxRssMbOf(small.stderr).toFixed(0)} MB for 20 MB)`);
  }, 180_000);
});
