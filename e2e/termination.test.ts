// SPDX-License-Identifier: Apache-2.0
// However the process ends, over OTLP to the real collector: the termination scenario of the distro's unit tests
// (packages/node/test/fixtures/apps/ending-scenario.cjs: 5 requests run to the end, 3 still open) on LangChain's
// ESM and CommonJS builds, ended by running out of work, process.exit(7), an uncaught exception, an unhandled
// rejection and SIGTERM. What the exit path cannot send in time it writes to the spool; the next start of the app
// sends it. The collector's audit files then hold every completed run (span, start and end record) and every open
// run (its start record and an ERROR end saying how the process ended), once each, and verify is clean.
import { readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../collector-config/scripts/stack.mjs";
import { NO_PROBLEMS, verifyJson } from "./support/audit-cli.ts";
import { type NodeRun, newSpoolDir, otlpAppEnv, runNode } from "./support/child.ts";
import { pollUntilStable } from "./support/poll.ts";
import { useStack } from "./support/stack.ts";

const stack = useStack("termination");

/** The fixture apps, run from the distro's package (which resolves @langchain-otel/node to itself). */
const NODE_PACKAGE = path.join(REPO_ROOT, "packages", "node");
const APPS = path.join("test", "fixtures", "apps");
const COMPLETED = 5;
const INFLIGHT = 3;
const RUNS_PER_REQUEST = 2;

interface Ending {
  readonly name: string;
  readonly env: Record<string, string>;
  readonly signal?: NodeJS.Signals;
  readonly code: number | null;
  readonly errorType: string;
  readonly reason: string;
}

const ENDINGS: Ending[] = [
  { name: "natural", env: { APP_ENDING: "natural" }, code: 0, errorType: "ProcessExit", reason: "exit" },
  { name: "exit", env: { APP_ENDING: "exit", APP_EXIT_CODE: "7" }, code: 7, errorType: "ProcessExit", reason: "exit" },
  { name: "throw", env: { APP_ENDING: "throw" }, code: 1, errorType: "TypeError", reason: "uncaught_exception" },
  { name: "reject", env: { APP_ENDING: "reject" }, code: 1, errorType: "RangeError", reason: "unhandled_rejection" },
  { name: "sigterm", env: { APP_ENDING: "signal" }, signal: "SIGTERM", code: null, errorType: "SIGTERM", reason: "signal" },
];

type Attributes = Array<{ key: string; value: Record<string, unknown> }> | undefined;
const attr = (attributes: Attributes, key: string): unknown => {
  const value = attributes?.find((a) => a.key === key)?.value;
  return value?.["stringValue"] ?? (value?.["intValue"] === undefined ? undefined : Number(value["intValue"]));
};

/** The spans and records of one service in the collector's audit files. */
function itemsOf(file: string, service: string, resourceKey: string, scopeKey: string, itemKey: string): any[] {
  if (!existsSync(file)) return [];
  const items: any[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    for (const resource of JSON.parse(line)[resourceKey] ?? []) {
      if (attr(resource.resource?.attributes, "service.name") !== service) continue;
      for (const scope of resource[scopeKey] ?? []) items.push(...(scope[itemKey] ?? []));
    }
  }
  return items;
}

function trailOf(service: string) {
  const spans = itemsOf(stack.paths.tracesFile, service, "resourceSpans", "scopeSpans", "spans");
  const records = itemsOf(stack.paths.logsFile, service, "resourceLogs", "scopeLogs", "logRecords");
  const count = (keys: string[]) => keys.reduce<Record<string, number>>((acc, k) => ({ ...acc, [k]: (acc[k] ?? 0) + 1 }), {});
  const seqs = (items: any[]) => items.map((i) => `${attr(i.attributes, "audit.chain")}/${attr(i.attributes, "audit.seq")}`);
  return {
    spans: count(spans.map((s) => [s.name, s.status?.code === 2 ? "ERROR" : "OK", attr(s.attributes, "error.type"), attr(s.attributes, "langchain.exit.reason")].join(" "))),
    records: count(records.map((r) => [r.eventName, attr(r.attributes, "error.type"), attr(r.attributes, "langchain.exit.reason")].join(" "))),
    repeats: [spans, records].reduce((n, items) => n + items.length - new Set(seqs(items)).size, 0),
  };
}

function expected(errorType: string, reason: string) {
  const cut = `ERROR ${errorType} ${reason}`;
  return {
    spans: { "request OK  ": COMPLETED, "step OK  ": COMPLETED, [`request ${cut}`]: INFLIGHT, [`step ${cut}`]: INFLIGHT },
    records: {
      "langchain.run.start  ": (COMPLETED + INFLIGHT) * RUNS_PER_REQUEST,
      "langchain.run.end  ": COMPLETED * RUNS_PER_REQUEST,
      [`langchain.run.error ${errorType} ${reason}`]: INFLIGHT * RUNS_PER_REQUEST,
    },
    repeats: 0,
  };
}

interface Ended {
  readonly ending: Ending;
  readonly entry: string;
  readonly service: string;
  readonly child: NodeRun;
  /** The next start of the app, which sends what the spool holds. */
  readonly next: NodeRun;
}

const cases = (["ending.mjs", "ending.cjs"] as const).flatMap((entry) => ENDINGS.map((ending) => ({ entry, ending })));
const ended = new Map<string, Ended>();

beforeAll(async () => {
  for (const { entry, ending } of cases) {
    const service = `e2e-termination-${ending.name}-${entry.replace(".", "-")}`;
    const flag = entry.endsWith(".mjs") ? "--import" : "--require";
    const spool = newSpoolDir(service);
    const env = (extra: Record<string, string>) =>
      otlpAppEnv(service, { LANGCHAIN_OTEL_SPOOL_DIR: spool, APP_COMPLETED: String(COMPLETED), APP_INFLIGHT: String(INFLIGHT), ...extra });
    const child = await runNode([flag, "@langchain-otel/node/register", path.join(APPS, entry)], {
      cwd: NODE_PACKAGE,
      env: env(ending.env),
      timeoutMillis: 30_000,
      onLine: (line, process) => {
        if (ending.signal !== undefined && line.startsWith('{"ready"')) process.kill(ending.signal);
      },
    });
    const next = await runNode([flag, "@langchain-otel/node/register", path.join(APPS, entry)], {
      cwd: NODE_PACKAGE,
      env: env({ APP_COMPLETED: "0", APP_INFLIGHT: "0", APP_ENDING: "natural" }),
      timeoutMillis: 30_000,
    });
    ended.set(`${entry} ${ending.name}`, { ending, entry, service, child, next });
  }
  // The collector writes what it has taken within a second or so.
  await pollUntilStable(
    () => cases.map(({ entry, ending }) => JSON.stringify(trailOf(ended.get(`${entry} ${ending.name}`)!.service))).join(),
    (key) => key,
    { timeoutMillis: 30_000, quietMillis: 2000 },
  );
}, 600_000);

describe.each(["ending.mjs", "ending.cjs"] as const)("%s over OTLP: however the process ends, the collector's trail is whole", (entry) => {
  it.each(ENDINGS.map((ending) => [ending.name, ending] as const))("%s", (name, ending) => {
    const run = ended.get(`${entry} ${name}`)!;
    expect([run.child.code, run.child.signal]).toEqual([ending.code, ending.signal ?? null]);
    expect([run.next.code, run.next.signal]).toEqual([0, null]);
    expect(trailOf(run.service)).toEqual(expected(ending.errorType, ending.reason));
  });
});

describe("verify on the collector's audit directory", () => {
  it("every chain of every ending is complete: no gap, no mismatch, no run without its end", async () => {
    const { run, report } = await verifyJson([stack.paths.auditDir]);
    expect([run.code, report?.ok, report?.problems]).toEqual([0, true, NO_PROBLEMS]);
  });
});
