// SPDX-License-Identifier: Apache-2.0
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VECTOR_PRIVATE_KEY_PEM, VECTOR_PUBLIC_KEY_PEM } from "./integrity/fixtures.js";
import { PACKAGE_DIR, assertBuilt, attributeOf, cleanEnv, createFixtureApp, type FileAttributes, readFileLogRecords, readFileSpans, runNode, type ChildResult } from "./helpers.js";

// Every way a process ends while JavaScript still runs, in a real app (the register entry, the built package),
// on LangChain's ESM build and on its CommonJS build: the audit trail must hold every completed run (its span,
// start and end record) and every run still open (its start record, and an ERROR end saying how the process
// ended), once each, and verify clean. See fixtures/apps/ending-scenario.cjs.

const AUDIT_CLI = path.join(PACKAGE_DIR, "..", "audit-cli", "dist", "bin.js");
const COMPLETED = 5;
const INFLIGHT = 3;
/** Each request is two runs: "request" and the "step" inside it. */
const RUNS_PER_REQUEST = 2;

let app: { dir: string; remove(): void };
let run = 0;
let keyFile: string;
let publicKeyFile: string;

beforeAll(() => {
  assertBuilt();
  if (!existsSync(AUDIT_CLI)) throw new Error(`${AUDIT_CLI} is missing: run \`pnpm exec tsc -b\` at the repository root first`);
  app = createFixtureApp();
  keyFile = path.join(app.dir, "audit-signing.key");
  publicKeyFile = path.join(app.dir, "audit-signing.pub");
  writeFileSync(keyFile, VECTOR_PRIVATE_KEY_PEM, { mode: 0o600 });
  writeFileSync(publicKeyFile, VECTOR_PUBLIC_KEY_PEM);
});
afterAll(() => app?.remove());

interface Ending {
  readonly env: Record<string, string>;
  /** Sent once every open run has started. */
  readonly signal?: NodeJS.Signals;
}

/** Runs the scenario; returns the child's result and its audit directory. */
async function end(entry: "ending.mjs" | "ending.cjs", ending: Ending): Promise<{ child: ChildResult; auditDir: string }> {
  const auditDir = path.join(app.dir, `audit-${++run}`);
  const flag = entry.endsWith(".mjs") ? "--import" : "--require";
  const child = await runNode([flag, "@langchain-otel/node/register", entry], {
    cwd: app.dir,
    env: cleanEnv({ LANGCHAIN_OTEL_AUDIT_DIR: auditDir, APP_COMPLETED: String(COMPLETED), APP_INFLIGHT: String(INFLIGHT), ...ending.env }),
    onLine: (line, process) => {
      if (ending.signal !== undefined && line.startsWith('{"ready"')) process.kill(ending.signal);
    },
    timeoutMillis: 20_000,
  });
  return { child, auditDir };
}


/** Counts of what the trail holds, by kind, and the repeats (same chain and seq twice). */
function trail(auditDir: string) {
  const spans = readFileSpans(path.join(auditDir, "traces.jsonl"));
  const records = readFileLogRecords(path.join(auditDir, "logs.jsonl"));
  const count = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
  const seqs = (items: Array<{ attributes?: FileAttributes }>) => items.map((i) => `${attributeOf(i.attributes, "audit.chain")}/${attributeOf(i.attributes, "audit.seq")}`);
  return {
    spans: count(spans.map((s) => [s.name, s.status.code === 2 ? "ERROR" : "OK", attributeOf(s.attributes, "error.type"), attributeOf(s.attributes, "langchain.exit.reason")].join(" "))),
    records: count(records.map((r) => [r.eventName, attributeOf(r.attributes, "error.type"), attributeOf(r.attributes, "langchain.exit.reason")].join(" "))),
    repeats: [spans, records].reduce((n, items) => n + items.length - new Set(seqs(items)).size, 0),
  };
}

/** The trail of COMPLETED requests run to the end and INFLIGHT requests cut short by `errorType` / `reason`. */
function expected(errorType: string, reason: string, completed = COMPLETED, inflight = INFLIGHT) {
  const cut = `ERROR ${errorType} ${reason}`;
  const spans: Record<string, number> = {};
  const records: Record<string, number> = { "langchain.run.start  ": (completed + inflight) * RUNS_PER_REQUEST };
  if (completed > 0) {
    Object.assign(spans, { "request OK  ": completed, "step OK  ": completed });
    records["langchain.run.end  "] = completed * RUNS_PER_REQUEST;
  }
  if (inflight > 0) {
    Object.assign(spans, { [`request ${cut}`]: inflight, [`step ${cut}`]: inflight });
    records[`langchain.run.error ${errorType} ${reason}`] = inflight * RUNS_PER_REQUEST;
  }
  return { spans, records, repeats: 0 };
}

/** `langchain-otel-audit verify --json`: its exit status and verdict. */
async function verify(auditDir: string, ...options: string[]): Promise<{ code: number | null; ok: boolean; problems: unknown }> {
  const result = await runNode([AUDIT_CLI, "verify", "--json", ...options, auditDir], { cwd: app.dir, env: cleanEnv({}) });
  const report = JSON.parse(result.stdout) as { ok: boolean; problems: unknown };
  return { code: result.code, ok: report.ok, problems: report.problems };
}

const CLEAN = { code: 0, ok: true, problems: { gaps: 0, hashMismatches: 0, unverified: 0, malformedLines: 0, unmatchedStarts: 0, recordedLosses: 0 } };

describe.each(["ending.mjs", "ending.cjs"] as const)("%s: however the process ends, the trail is whole", (entry) => {
  it("no work left: open runs end as ProcessExit (exit), exit code 0", async () => {
    const { child, auditDir } = await end(entry, { env: { APP_ENDING: "natural" } });
    expect([child.code, child.signal, child.stderr]).toEqual([0, null, ""]);
    expect(trail(auditDir)).toEqual(expected("ProcessExit", "exit"));
    expect(await verify(auditDir)).toEqual(CLEAN);
  });

  it("process.exit(7) from inside an open run: ProcessExit (exit), and the app's exit code stays 7", async () => {
    const { child, auditDir } = await end(entry, { env: { APP_ENDING: "exit", APP_EXIT_CODE: "7" } });
    expect([child.code, child.signal, child.stderr]).toEqual([7, null, ""]);
    expect(trail(auditDir)).toEqual(expected("ProcessExit", "exit"));
    expect(await verify(auditDir)).toEqual(CLEAN);
  });

  it("an uncaught exception: the error's class (uncaught_exception); Node still prints it and exits 1", async () => {
    const { child, auditDir } = await end(entry, { env: { APP_ENDING: "throw" } });
    expect([child.code, child.signal]).toEqual([1, null]);
    expect(child.stderr).toContain("TypeError: a tool blew up outside LangChain's reach");
    expect(trail(auditDir)).toEqual(expected("TypeError", "uncaught_exception"));
    expect(await verify(auditDir)).toEqual(CLEAN);
  });

  it("an unhandled rejection: the error's class (unhandled_rejection); Node still prints it and exits 1", async () => {
    const { child, auditDir } = await end(entry, { env: { APP_ENDING: "reject" } });
    expect([child.code, child.signal]).toEqual([1, null]);
    expect(child.stderr).toContain("RangeError: nobody handles this");
    expect(trail(auditDir)).toEqual(expected("RangeError", "unhandled_rejection"));
    expect(await verify(auditDir)).toEqual(CLEAN);
  });

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)("%s, nobody else listening: the signal's name (signal), and the process dies of it", async (signal) => {
    const { child, auditDir } = await end(entry, { env: { APP_ENDING: "signal" }, signal });
    expect([child.code, child.signal, child.stderr]).toEqual([null, signal, ""]);
    expect(trail(auditDir)).toEqual(expected(signal, "signal"));
    expect(await verify(auditDir)).toEqual(CLEAN);
  });

  it.each(["SIGTERM", "SIGINT", "SIGHUP"] as const)("%s with the app's own listener: it runs and chooses the exit code (3)", async (signal) => {
    const { child, auditDir } = await end(entry, { env: { APP_ENDING: "signal", APP_SIGNAL_HANDLER: "1" }, signal });
    expect([child.code, child.signal, child.stderr]).toEqual([3, null, ""]);
    expect(child.stdout).toContain(JSON.stringify({ appHandler: signal }));
    expect(trail(auditDir)).toEqual(expected(signal, "signal"));
    expect(await verify(auditDir)).toEqual(CLEAN);
  });

  it("200 concurrent requests, then process.exit(0) right after them: every run is in the trail", async () => {
    const { child, auditDir } = await end(entry, { env: { APP_ENDING: "exit", APP_COMPLETED: "200", APP_INFLIGHT: "0" } });
    expect([child.code, child.signal, child.stderr]).toEqual([0, null, ""]);
    expect(trail(auditDir)).toEqual(expected("", "", 200, 0));
    expect(await verify(auditDir)).toEqual(CLEAN);
  });
});

// With a signing key, the seal of every chain is the last thing the exit path writes: a trail cut by process.exit,
// an uncaught error or a signal verifies against the public key with every chain sealed, as a shutdown's does.
describe.each(["ending.mjs", "ending.cjs"] as const)("%s with a signing key: every exit path seals every chain", (entry) => {
  // No checkpoint but the seals: one per chain, traces and logs (the interval and the count are out of reach).
  const signed = { LANGCHAIN_OTEL_SIGNING_KEY_FILE: "audit-signing.key", LANGCHAIN_OTEL_CHECKPOINT_RECORDS: "100000", LANGCHAIN_OTEL_CHECKPOINT_INTERVAL_MILLIS: "600000" };
  const sealed = (errorType: string, reason: string) => {
    const want = expected(errorType, reason);
    return { ...want, records: { ...want.records, "audit.checkpoint  ": 2 } };
  };

  it.each([
    ["natural", { APP_ENDING: "natural" }, undefined, "ProcessExit", "exit", 0],
    ["process.exit(7)", { APP_ENDING: "exit", APP_EXIT_CODE: "7" }, undefined, "ProcessExit", "exit", 7],
    ["an uncaught exception", { APP_ENDING: "throw" }, undefined, "TypeError", "uncaught_exception", 1],
    ["an unhandled rejection", { APP_ENDING: "reject" }, undefined, "RangeError", "unhandled_rejection", 1],
    ["SIGTERM, nobody else listening", { APP_ENDING: "signal" }, "SIGTERM", "SIGTERM", "signal", null],
    ["SIGINT with the app's own listener", { APP_ENDING: "signal", APP_SIGNAL_HANDLER: "1" }, "SIGINT", "SIGINT", "signal", 3],
  ] as const)("%s: sealed, and verify --public-key is clean", async (_name, env, signal, errorType, reason, code) => {
    const { child, auditDir } = await end(entry, { env: { ...signed, ...env }, ...(signal === undefined ? {} : { signal }) });
    expect(child.code).toBe(code);
    expect(trail(auditDir)).toEqual(sealed(errorType, reason));
    expect(await verify(auditDir, "--public-key", publicKeyFile)).toEqual(CLEAN);
  });
});
