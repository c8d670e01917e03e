// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { readTrail, type TrailItem } from "../../src/trail/reader.js";
import { ChainVerifier } from "../../src/verify/chain-verifier.js";
import { Findings } from "../../src/verify/findings.js";
import { assertBuilt, removeTempDirs, tempDir } from "../cli.js";
import { AGENT_RUN, LATE_RUN, SHORT_RUN, writeTrail } from "../scenario.js";

beforeAll(assertBuilt);
afterEach(removeTempDirs);

/** The log records of a trail of three runs (seq 1..12), in file order. */
async function logItems(): Promise<TrailItem[]> {
  const dir = tempDir();
  await writeTrail(dir, [[AGENT_RUN], [SHORT_RUN], [LATE_RUN]]);
  const items: TrailItem[] = [];
  await readTrail([{ path: path.join(dir, "logs.jsonl"), bytes: 0 }], { item: (i) => items.push(i), malformed: (m) => expect.fail(m.reason) });
  return items;
}

function verify(items: readonly TrailItem[], limits = { windowRecords: 1024, pendingRecords: 100, pendingBytes: 1 << 20 }) {
  const verifier = new ChainVerifier(limits, new Findings(1000));
  const firsts = items.map((item) => verifier.add(item));
  return { report: verifier.reports()[0]!, firsts };
}

/** A fixed shuffle (LCG) so the test is the same every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe("ChainVerifier", () => {
  it("verifies a chain whatever the arrival order", async () => {
    const items = await logItems();
    for (const seed of [1, 2, 3, 42]) {
      const { report } = verify(shuffled(items, seed));
      expect(report).toMatchObject({ records: 12, firstSeq: 1, lastSeq: 12, gaps: [], hashMismatches: 0, unverified: 0 });
    }
    expect(verify([...items].reverse()).report).toMatchObject({ records: 12, hashMismatches: 0, unverified: 0 });
  });

  it("counts each repeat once, wherever it comes", async () => {
    const items = await logItems();
    const { report, firsts } = verify([items[5]!, ...items, items[0]!, items[11]!]);
    expect(report).toMatchObject({ records: 12, duplicates: 3, hashMismatches: 0, unverified: 0 });
    expect(firsts.filter((f) => !f)).toHaveLength(3);
  });

  it("holds few early records: over the limit, the oldest waiting one is given up as not verified", async () => {
    const items = await logItems();
    const { report } = verify([...items].reverse(), { windowRecords: 1024, pendingRecords: 1, pendingBytes: 1 << 20 });
    // Each arrival (12, 11, …, 2) pushes out the one before it; only 2 is still waiting when 1 comes.
    expect(report).toMatchObject({ records: 12, gaps: [], hashMismatches: 0, unverified: 10 });
    expect(report.unverifiedRecords[0]).toMatchObject({ seq: 12, reason: "it arrived too long before its predecessor (reorder limit)" });
  });

  it("does not report the record after a gap twice: the gap says it", async () => {
    const items = await logItems();
    const { report } = verify(items.filter((_, i) => i !== 4));
    expect(report).toMatchObject({ records: 11, gaps: [{ from: 5, to: 5 }], hashMismatches: 0, unverified: 0 });
  });
});
