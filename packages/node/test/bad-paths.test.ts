// SPDX-License-Identifier: Apache-2.0
// Every bad path of issue 8, in a real app (the register entry, the built package): the one line it says on
// stderr, its exit code, and what is (and is not) in the trail. An audit directory that takes no writes, a planted
// symbolic link and a bad batch setting stop the start with exit code 1 and the setting named; a disk that fills
// while the app runs keeps the app's exit code, says so, loses no line to gluing, and verify reports the loss.
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chmodSync, mkdirSync, readFileSync, readdirSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_DIR, assertBuilt, cleanEnv, createFixtureApp, runNode, type ChildResult } from "./helpers.js";

const AUDIT_CLI = path.join(PACKAGE_DIR, "..", "audit-cli", "dist", "bin.js");
/** Each request of ending-scenario.cjs is two runs: two spans, four records. */
const REQUESTS = 200;

let app: { dir: string; remove(): void };
let run = 0;

beforeAll(() => {
  assertBuilt();
  app = createFixtureApp();
});
afterAll(() => app?.remove());

const isRoot = process.getuid?.() === 0;

/** Whether this machine lets a test mount a tmpfs (as root, or in a user namespace of its own). */
function canMount(): boolean {
  const probe = spawnSync("unshare", [...(isRoot ? [] : ["-r"]), "-m", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], { encoding: "utf8" });
  return probe.status === 0;
}
const mountable = canMount();

/** A fresh directory in the app. */
function newDir(name: string): string {
  const dir = path.join(app.dir, `${name}-${++run}`);
  mkdirSync(dir);
  return dir;
}

/**
 * Runs ending.mjs (REQUESTS completed requests, nothing left open, natural end) with `env`, through `wrapper`
 * (a command line that ends in `exec node "$@"`), or straight.
 */
function endingApp(env: Record<string, string>, wrapper?: { command: string; args: string[] }): Promise<ChildResult> {
  const node = ["--import", "@langchain-otel/node/register", "ending.mjs"];
  const childEnv = cleanEnv({ APP_ENDING: "natural", APP_COMPLETED: String(REQUESTS), APP_INFLIGHT: "0", ...env });
  if (wrapper === undefined) return runNode(node, { cwd: app.dir, env: childEnv, timeoutMillis: 20_000 });
  return runCommand(wrapper.command, [...wrapper.args, process.execPath, ...node], childEnv);
}

/** `command args` in the app, within 20 s. */
function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  const result = spawnSync(command, args, { cwd: app.dir, env, encoding: "utf8", timeout: 20_000 });
  if (result.error !== undefined) return Promise.reject(result.error);
  return Promise.resolve({ code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr });
}

/**
 * A shell that mounts a tmpfs with `options` on `dir` in a mount namespace of its own, then runs node there; with
 * `copyTo`, it copies what the app left in the tmpfs there (the mount goes with the namespace) and exits as node did.
 */
function inTmpfs(dir: string, options: string, copyTo?: string): { command: string; args: string[] } {
  const after = copyTo === undefined ? "" : `; code=$?; cp -a "${dir}/." "${copyTo}/"; exit $code`;
  return {
    command: "unshare",
    args: [...(isRoot ? [] : ["-r"]), "-m", "sh", "-c", `mount -t tmpfs -o ${options} tmpfs "${dir}" && ${copyTo === undefined ? "exec " : ""}"$@"${after}`, "sh"],
  };
}

const cannotWrite = (dir: string, error: string) =>
  `[langchain-otel] audit directory ${JSON.stringify(dir)} cannot be written (${error}); LANGCHAIN_OTEL_AUDIT_DIR or the auditDir option must name a writable directory\n`;

/** The lines of an audit file that are not one whole JSON document each. */
function brokenLines(file: string): number {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .filter((line) => {
      try {
        JSON.parse(line);
        return false;
      } catch {
        return true;
      }
    }).length;
}

/** `verify --json`: exit status, the problems counted, and the recorded losses' messages. */
async function verify(dir: string): Promise<{ code: number | null; problems: Record<string, number>; losses: string[] }> {
  const result = await runNode([AUDIT_CLI, "verify", "--json", dir], { cwd: app.dir, env: cleanEnv({}) });
  const report = JSON.parse(result.stdout) as { problems: Record<string, number>; findings: Array<{ code: string; message: string }> };
  return { code: result.code, problems: report.problems, losses: report.findings.filter((f) => f.code === "recorded-loss").map((f) => f.message) };
}

describe("an audit directory that takes no writes stops the start: exit 1, one line naming the setting", () => {
  it("exists but is not writable (mode 0555)", async () => {
    const dir = newDir("unwritable");
    chmodSync(dir, 0o555);
    // Root writes anywhere (CAP_DAC_OVERRIDE): the child runs without that capability, as an ordinary user would.
    const wrapper = isRoot ? { command: "setpriv", args: ["--bounding-set=-dac_override,-dac_read_search", "--"] } : undefined;
    const child = await endingApp({ LANGCHAIN_OTEL_AUDIT_DIR: dir }, wrapper);
    expect([child.code, child.stdout, child.stderr]).toEqual([1, "", cannotWrite(dir, `EACCES: permission denied, access '${dir}'`)]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.skipIf(!mountable)("is a read-only mount", async () => {
    const dir = newDir("read-only");
    const child = await endingApp({ LANGCHAIN_OTEL_AUDIT_DIR: dir }, inTmpfs(dir, "ro,size=1m"));
    expect([child.code, child.stdout, child.stderr]).toEqual([1, "", cannotWrite(dir, `EROFS: read-only file system, access '${dir}'`)]);
  });

  it("holds a planted symbolic link at traces.jsonl: refused, and the file it points at is left alone", async () => {
    const dir = newDir("planted");
    const target = path.join(app.dir, `secret-${run}.txt`);
    writeFileSync(target, "secret\n", { mode: 0o600 });
    symlinkSync(target, path.join(dir, "traces.jsonl"));
    const file = path.join(dir, "traces.jsonl");
    const child = await endingApp({ LANGCHAIN_OTEL_AUDIT_DIR: dir });
    const refused = `ELOOP: ${file} is a symbolic link; it is not followed (it could point the audit trail anywhere): remove it, or point the setting at the real path`;
    expect([child.code, child.stdout, child.stderr]).toEqual([1, "", cannotWrite(dir, refused)]);
    expect(readFileSync(target, "utf8")).toBe("secret\n");
  });
});

describe("a disk that fills while the app runs: the app's exit code, the loss said and verify failing on it", () => {
  /** The three lines: each signal's batch that could not be written, then the total. */
  const lossLines = (dir: string, error: string, hint: string) => [
    `[langchain-otel] could not write 512 audit records to ${dir}/logs.jsonl (${error}, write): ${hint}. They are lost; the trail gets a langchain.audit.loss record for them once it can be written again, and stats() counts them`,
    `[langchain-otel] could not write ${2 * REQUESTS} spans to ${dir}/traces.jsonl (${error}, write): ${hint}. They are lost; the trail gets a langchain.audit.loss record for them once it can be written again, and stats() counts them`,
    `[langchain-otel] ${2 * REQUESTS} spans and ${4 * REQUESTS + 2} audit records of this process were lost (see the lines above); the trail records each loss it could write as a langchain.audit.loss record, and verify reports them`,
    "",
  ];

  /** What the trail holds: no broken line, and verify failing with the losses the process could record. */
  async function expectLossRecorded(dir: string): Promise<void> {
    expect([brokenLines(path.join(dir, "traces.jsonl")), brokenLines(path.join(dir, "logs.jsonl"))]).toEqual([0, 0]);
    const verdict = await verify(dir);
    expect(verdict.code).toBe(1);
    expect(verdict.problems).toMatchObject({ malformedLines: 0, hashMismatches: 0, recordedLosses: 2 * REQUESTS + 4 * REQUESTS + 2 });
    // Every loss is in the trail, the loss records lost with the second batch written again after it.
    expect(verdict.losses.sort()).toEqual([
      `lost by the writing process, never written: ${4 * REQUESTS + 2 - 512} audit records (write_failed, seq 513..${4 * REQUESTS + 2})`,
      `lost by the writing process, never written: ${2 * REQUESTS} spans (write_failed, seq 1..${2 * REQUESTS})`,
      "lost by the writing process, never written: 512 audit records (write_failed, seq 1..512)",
    ]);
  }

  it.skipIf(!mountable)("a full disk (a 64 KiB tmpfs): ENOSPC", async () => {
    const dir = newDir("full");
    const copy = newDir("full-copy");
    const child = await endingApp({ LANGCHAIN_OTEL_AUDIT_DIR: dir }, inTmpfs(dir, "size=64k", copy));
    expect(child.code).toBe(0);
    expect(child.stderr.split("\n")).toEqual(lossLines(dir, "ENOSPC: no space left on device", "the disk is full"));
    await expectLossRecorded(copy);
  });

  it("a file size limit (ulimit -f 128): EFBIG", async () => {
    const dir = newDir("ulimit");
    const child = await endingApp({ LANGCHAIN_OTEL_AUDIT_DIR: dir }, { command: "sh", args: ["-c", 'ulimit -f 128 && exec "$@"', "sh"] });
    expect(child.code).toBe(0);
    expect(child.stderr.split("\n")).toEqual(lossLines(dir, "EFBIG: file too large", "the file size limit (ulimit -f) is reached"));
    await expectLossRecorded(dir);
  });
});

describe("batch settings the SDK's processors would loop or drop on stop the start, naming the variable", () => {
  it.each([
    ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0"],
    ["OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "0.5"],
    ["OTEL_BSP_MAX_QUEUE_SIZE", "0"],
    ["OTEL_BSP_SCHEDULE_DELAY", "-1"],
    ["OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "0.5"],
    ["OTEL_BLRP_MAX_QUEUE_SIZE", "0"],
    ["OTEL_BLRP_EXPORT_TIMEOUT", "soon"],
  ])("%s=%s", async (name, value) => {
    const dir = path.join(app.dir, `bsp-${++run}`);
    const child = await endingApp({ LANGCHAIN_OTEL_AUDIT_DIR: dir, [name]: value });
    expect([child.code, child.stdout, child.stderr]).toEqual([1, "", `[langchain-otel] ${name}=${JSON.stringify(value)} is not a positive integer\n`]);
  });
});

describe("a collector that does not answer holds the exit no longer than the shutdown budget; the data waits in the spool", () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    // Headers at once, then one byte of body every 200 ms, never the end.
    server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
        const drip = setInterval(() => res.write(" "), 200);
        res.on("close", () => clearInterval(drip));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  const REQUEST_DEADLINE = "no complete answer within <the time left> ms";
  const downLine = (origin: string, reason: string, spool: string) =>
    `[langchain-otel] the collector at ${origin} does not take data (${reason}): spooling to ${spool}; it is sent when the collector is back, or by the next start\n`;
  const spooled = (spool: string) => ["traces", "logs"].map((signal) => readdirSync(path.join(spool, signal)).length);

  it("trickling its answer: exit 0 within the budget (the child's 20 s limit is the test's), both batches spooled", async () => {
    const spool = path.join(app.dir, `spool-${++run}`);
    const child = await endingApp({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`, LANGCHAIN_OTEL_SPOOL_DIR: spool, APP_COMPLETED: "5" });
    // Whichever ends the request first at the shutdown's deadline: its abort, or the request's own timer set to it.
    expect(child.code).toBe(0);
    expect([downLine(`http://127.0.0.1:${port}`, "shutdown ended the request", spool), downLine(`http://127.0.0.1:${port}`, REQUEST_DEADLINE, spool)]).toContain(
      child.stderr.replace(/no complete answer within \d+ ms/, REQUEST_DEADLINE),
    );
    expect(spooled(spool)).toEqual([1, 1]);
  });

  it("trickling only the metrics answer (spans and records taken at once): exit 0 within the budget, nothing spooled", async () => {
    const paths: string[] = [];
    const metricsDrip = createServer((req, res) => {
      paths.push(req.url ?? "");
      req.resume();
      req.on("end", () => {
        if (req.url !== "/v1/metrics") {
          res.writeHead(200, { "content-type": "application/json" }).end("{}");
          return;
        }
        res.writeHead(200, { "content-type": "application/json", "content-length": "100000" });
        const drip = setInterval(() => res.write(" "), 200);
        res.on("close", () => clearInterval(drip));
      });
    });
    await new Promise<void>((resolve) => metricsDrip.listen(0, "127.0.0.1", resolve));
    try {
      const origin = `http://127.0.0.1:${(metricsDrip.address() as AddressInfo).port}`;
      const spool = path.join(app.dir, `spool-${++run}`);
      const child = await endingApp({ OTEL_EXPORTER_OTLP_ENDPOINT: origin, LANGCHAIN_OTEL_SPOOL_DIR: spool, APP_COMPLETED: "5" });
      expect([child.code, child.stderr]).toEqual([0, ""]);
      // The exit's final metrics collection was sent (and ended by the shutdown deadline, or the child's 20 s limit
      // would have killed it); the spans and records were delivered, so the spool holds nothing.
      expect(paths.sort()).toEqual(["/v1/logs", "/v1/metrics", "/v1/traces"]);
      expect(spooled(spool)).toEqual([0, 0]);
    } finally {
      metricsDrip.closeAllConnections();
      metricsDrip.close();
    }
  });

  it("down (nothing listens): exit 0 at once, both batches spooled", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const spool = path.join(app.dir, `spool-${++run}`);
    const child = await endingApp({ OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${freePort}`, LANGCHAIN_OTEL_SPOOL_DIR: spool, APP_COMPLETED: "5" });
    expect([child.code, child.stderr]).toEqual([0, downLine(`http://127.0.0.1:${freePort}`, "ECONNREFUSED", spool)]);
    expect(spooled(spool)).toEqual([1, 1]);
  });
});
