// SPDX-License-Identifier: Apache-2.0
// SIGKILL, which no JavaScript sees: 20 kills at random points of a stream of requests (fixtures/apps/killed.mjs),
// each process sharing the audit and journal directories with the next, then one start that kills nothing. With
// the write-ahead journal (LANGCHAIN_OTEL_JOURNAL=sync) every request that returned before its kill has its two
// spans and its four records in the trail, once each; without it, what the export queues held is gone (the
// figure is measured here and given in the README).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_DIR, assertBuilt, attributeOf, cleanEnv, createFixtureApp, readFileLogRecords, readFileSpans, runNode } from "./helpers.js";
// The redaction tests' seeded source (mulberry32): one generator for every test that needs replayable randomness.
import { seeded } from "../../instrumentation/test/redaction/generators.js";

const AUDIT_CLI = path.join(PACKAGE_DIR, "..", "audit-cli", "dist", "bin.js");
const KILLS = 20;
/** A kill comes after 1 to MAX_DONE requests have returned (the child runs far more if it is not killed). */
const MAX_DONE = 60;
/** The line a start says when it writes what a killed process journaled. */
const RECOVERED =
  /^\[langchain-otel\] recovered \d+ spans and \d+ audit records that process \d+ journaled but had not written when it was killed; written to \S+traces\.jsonl and \S+logs\.jsonl\n$/;
/** What one request leaves in the trail: two spans (request, step), and a start and an end record of each. */
const ITEMS_PER_REQUEST = 6;

declare module "vitest" {
  interface TaskMeta {
    /** The figure a measuring test found, for the JSON report (`--reporter=json`). */
    figure?: string;
  }
}

let app: { dir: string; remove(): void };
beforeAll(() => {
  assertBuilt();
  app = createFixtureApp();
});
afterAll(() => app?.remove());


interface Killed {
  /** Requests that returned before the kill (the child printed them), per kill. */
  readonly returned: number[];
  /** Items of those requests missing from the trail. */
  readonly lost: number;
  /** Items of those requests in the trail more than once. */
  readonly repeated: number;
  /** Runs with a start record and no end record in the trail: each cut by its kill. */
  readonly cut: string[];
  /** `verify --json` of the trail; none when the trail is empty. */
  readonly verify: { code: number | null; ok: boolean; problems: Record<string, number> } | undefined;
}

async function killRepeatedly(journal: "sync" | "off", seed: number): Promise<Killed> {
  const dir = path.join(app.dir, `kill-${journal}`);
  const env = (extra: Record<string, string>) =>
    cleanEnv({
      LANGCHAIN_OTEL_AUDIT_DIR: path.join(dir, "audit"),
      LANGCHAIN_OTEL_JOURNAL: journal,
      LANGCHAIN_OTEL_JOURNAL_DIR: path.join(dir, "journal"),
      ...extra,
    });
  const next = seeded(seed); // seeded, so a failing kill point can be replayed
  const returned: number[] = [];
  for (let k = 0; k < KILLS; k++) {
    const killAfter = 1 + Math.floor(next() * MAX_DONE);
    let seen = 0;
    const child = await runNode(["--import", "@langchain-otel/node/register", "killed.mjs"], {
      cwd: app.dir,
      env: env({ APP_TAG: String(k) }),
      onLine: (line, process) => {
        if (line.startsWith('{"done"') && ++seen === killAfter) process.kill("SIGKILL");
      },
      timeoutMillis: 20_000,
    });
    expect(child.signal).toBe("SIGKILL");
    // The start after a kill writes what the killed process journaled, and says so.
    if (journal === "off" || k === 0) expect(child.stderr).toBe("");
    else expect(child.stderr).toMatch(RECOVERED);
    // Every line printed is a request that returned before the kill, including any printed after the count.
    returned.push(child.stdout.split("\n").filter((line) => line.startsWith('{"done"')).length);
  }
  // The start after the last kill writes what that process journaled.
  const last = await runNode(["--import", "@langchain-otel/node/register", "killed.mjs"], { cwd: app.dir, env: env({ APP_MAX: "0" }), timeoutMillis: 20_000 });
  expect([last.code, last.signal]).toEqual([0, null]);
  if (journal === "sync") expect(last.stderr).toMatch(RECOVERED);
  else expect(last.stderr).toBe("");

  const spans = readFileSpans(path.join(dir, "audit", "traces.jsonl")).map((s) => `span ${s.name}`);
  const records = readFileLogRecords(path.join(dir, "audit", "logs.jsonl")).map((r) => `${r.eventName} ${attributeOf(r.attributes, "langchain.run_name")}`);
  const counts = new Map<string, number>();
  for (const key of [...spans, ...records]) counts.set(key, (counts.get(key) ?? 0) + 1);
  let lost = 0;
  let repeated = 0;
  returned.forEach((requests, k) => {
    for (let i = 0; i < requests; i++) {
      for (const run of [`request ${k}.${i}`, `step ${k}.${i}`]) {
        for (const key of [`span ${run}`, `langchain.run.start ${run}`, `langchain.run.end ${run}`]) {
          const n = counts.get(key) ?? 0;
          if (n === 0) lost++;
          if (n > 1) repeated += n - 1;
        }
      }
    }
  });
  const ended = new Set(records.filter((r) => r.startsWith("langchain.run.end ")).map((r) => r.slice("langchain.run.end ".length)));
  const cut = records.filter((r) => r.startsWith("langchain.run.start ")).map((r) => r.slice("langchain.run.start ".length)).filter((run) => !ended.has(run));
  if (spans.length + records.length === 0) return { returned, lost, repeated, cut, verify: undefined };
  const result = await runNode([AUDIT_CLI, "verify", "--json", path.join(dir, "audit")], { cwd: app.dir, env: cleanEnv({}) });
  if (!result.stdout.startsWith("{")) throw new Error(`verify printed no report (exit ${result.code}): ${result.stderr.slice(0, 2000)}`);
  const report = JSON.parse(result.stdout) as { ok: boolean; problems: Record<string, number> };
  return { returned, lost, repeated, cut, verify: { code: result.code, ok: report.ok, problems: report.problems } };
}

/** 21 starts of one to four seconds each on a loaded machine, and verify. */
const BUDGET_MILLIS = 180_000;

describe("20 SIGKILLs at random points", { timeout: BUDGET_MILLIS }, () => {
  it("journal: sync: 0 of the items of requests that returned before the kill lost, none repeated", async ({ annotate, task }) => {
    const killed = await killRepeatedly("sync", 8);
    const items = killed.returned.reduce((a, b) => a + b, 0) * ITEMS_PER_REQUEST;
    task.meta.figure = `journal sync: ${killed.lost} of ${items} items lost, ${killed.cut.length} runs cut`;
    await annotate(`journal sync: ${killed.lost} of ${items} items lost over ${KILLS} kills (requests returned per kill: ${killed.returned.join(", ")})`);
    expect(killed.returned).toHaveLength(KILLS);
    expect({ lost: killed.lost, repeated: killed.repeated }).toEqual({ lost: 0, repeated: 0 });
    // A run the kill cut has its start record and no end: at most a request and its step per kill, each one that
    // had not returned; verify reports exactly those, and nothing else.
    const notReturned = killed.cut.filter((run) => {
      const [k, i] = run.split(" ")[1]!.split(".").map(Number);
      return i! >= killed.returned[k!]!;
    });
    expect(notReturned).toEqual(killed.cut);
    expect(killed.cut.length).toBeLessThanOrEqual(2 * KILLS);
    // When every kill fell between requests nothing is cut, and the trail verifies clean.
    const cut = killed.cut.length > 0;
    expect(killed.verify).toEqual({
      code: cut ? 1 : 0,
      ok: !cut,
      problems: { gaps: 0, hashMismatches: 0, unverified: 0, malformedLines: 0, unmatchedStarts: killed.cut.length, recordedLosses: 0 },
    });
  });

  it("journal: off: the loss measured", async ({ annotate, task }) => {
    const killed = await killRepeatedly("off", 8);
    const items = killed.returned.reduce((a, b) => a + b, 0) * ITEMS_PER_REQUEST;
    task.meta.figure = `journal off: ${killed.lost} of ${items} items lost`;
    await annotate(`journal off: ${killed.lost} of ${items} items lost over ${KILLS} kills (requests returned per kill: ${killed.returned.join(", ")})`);
    expect(killed.returned).toHaveLength(KILLS);
    expect(killed.repeated).toBe(0);
  });
});
