// SPDX-License-Identifier: Apache-2.0
// What signing the audit chains costs per record: `signing-child.mjs` with and without a signing key, each in a
// fresh Node, rounds alternating the order; the overhead is paired per round (signed − hashed of the same round).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { REPO_ROOT } from "./installed.mjs";
import { runChild } from "./runner.mjs";
import { max, median, min } from "./stats.mjs";

const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");

/** Builds @langchain-otel/node (and what it depends on) so the current integrity code is measured. */
function buildNode() {
  const run = spawnSync(process.execPath, [TSC, "-b", "packages/node"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 300_000 });
  return run.status === 0 ? undefined : `tsc -b packages/node failed (${`${run.stdout}${run.stderr}`.trim().split("\n")[0]}); the last built dist is measured`;
}

const stat = (values) => ({ median: median(values), min: min(values), max: max(values) });

/**
 * Runs `rounds` rounds of both modes; returns per-record nanoseconds for the hash chain alone and with signing,
 * the paired overhead, a signature's cost and the checkpoints made, or `{ error }`.
 */
export async function measureSigningCost({ rounds, quick, checkpointRecords = 1000 }) {
  const warning = buildNode();
  const spec = { records: quick ? 50_000 : 200_000, batches: 10, warmup: quick ? 10_000 : 30_000, checkpointRecords };
  const byRound = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["hashed", "signed"] : ["signed", "hashed"];
    const results = {};
    for (const mode of order) {
      const result = await runChild("signing-child.mjs", { ...spec, mode }, { nodeFlags: ["--expose-gc"] });
      if (result.error !== undefined) return { error: `${mode} round ${round + 1}: ${result.error}` };
      results[mode] = result;
    }
    byRound.push(results);
  }
  const hashed = byRound.map((r) => r.hashed.nanosPerRecord);
  const signed = byRound.map((r) => r.signed.nanosPerRecord);
  const overhead = byRound.map((r) => r.signed.nanosPerRecord - r.hashed.nanosPerRecord);
  const signMicros = byRound.flatMap((r) => [r.hashed.signMicros, r.signed.signMicros]);
  return {
    warning,
    rounds,
    records: byRound[0].signed.records,
    checkpointRecords,
    checkpoints: byRound[0].signed.checkpoints,
    hashedNanos: stat(hashed),
    signedNanos: stat(signed),
    overheadNanos: stat(overhead),
    overheadRatio: median(byRound.map((r) => r.signed.nanosPerRecord / r.hashed.nanosPerRecord)),
    signMicros: stat(signMicros),
    amortisedNanos: (median(signMicros) * 1000) / checkpointRecords,
  };
}
