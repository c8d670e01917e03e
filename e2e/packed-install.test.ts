// SPDX-License-Identifier: Apache-2.0
// What a user of the published packages gets: `pnpm pack` the three packages, `npm install` the tarballs with
// @langchain/core and @langchain/openai into an app outside the workspace, run the app with --import and with
// --require, verify its trail with `npx langchain-otel-audit`, and run every command the packages' READMEs give
// their users there. npm's cache is kept in .cache/npm (git-ignored), so a second run installs offline.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../collector-config/scripts/stack.mjs";
import { runServe, runShell, type ShellContext } from "./support/doc-runner.ts";
import { allCommands, contextOf, policyOf, readerEnv, withoutComment } from "./support/readme-commands.ts";

const PACKAGES = ["instrumentation", "node", "audit-cli"];
const FIXTURE = path.join(REPO_ROOT, "e2e", "fixtures", "packed-app");
const NPM_CACHE = path.join(REPO_ROOT, ".cache", "npm");

let work: string;
let app: string;
/** The app's user: this repository's Node 24 (the packages need Node ≥ 22.15) and the machine's npm. */
let user: ShellContext;

/** A version range from the workspace catalog, so the app gets what the packages are tested with. */
function catalog(name: string): string {
  const line = readFileSync(path.join(REPO_ROOT, "pnpm-workspace.yaml"), "utf8")
    .split("\n")
    .find((l) => l.trim().startsWith(`'${name}':`));
  if (line === undefined) throw new Error(`${name} is not in the catalog of pnpm-workspace.yaml`);
  return line.split(":").slice(1).join(":").trim();
}

async function sh(command: string, timeoutMillis = 120_000) {
  const run = await runShell(user, command, timeoutMillis);
  if (run.code !== 0) throw new Error(`${command}: exit ${run.code ?? run.signal}${run.timedOut ? " (timed out)" : ""}\n${run.stdout}\n${run.stderr}`);
  return run;
}

interface FileSpan {
  instance: string;
  name: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
}

function spansOf(file: string): FileSpan[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .flatMap((line) =>
      JSON.parse(line).resourceSpans.flatMap((rs: any) => {
        const instance = rs.resource.attributes.find((a: any) => a.key === "service.instance.id").value.stringValue as string;
        return rs.scopeSpans.flatMap((ss: any) =>
          ss.spans.map((s: any) => ({
            instance,
            name: s.name,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ?? "",
            attributes: Object.fromEntries(s.attributes.map((a: any) => [a.key, Object.values(a.value)[0]])),
          })),
        );
      }),
    );
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), "packed-install-"));
  app = path.join(work, "app");
  mkdirSync(app);
  user = { cwd: app, env: readerEnv(), prelude: [`source ${REPO_ROOT}/scripts/env.sh`] };
  const tarballs: string[] = [];
  for (const pkg of PACKAGES) {
    const packed = await runShell({ ...user, cwd: path.join(REPO_ROOT, "packages", pkg) }, `pnpm pack --pack-destination ${work}`, 120_000);
    expect(packed.code, packed.stderr).toBe(0);
    tarballs.push(packed.stdout.trim().split("\n").at(-1)!);
  }
  expect(readdirSync(work).filter((f) => f.endsWith(".tgz")).sort()).toEqual(["langchain-otel-audit-cli-0.1.0.tgz", "langchain-otel-instrumentation-0.1.0.tgz", "langchain-otel-node-0.1.0.tgz"]);
  writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "packed-app", private: true }) + "\n");
  for (const file of ["app.mjs", "app.cjs"]) copyFileSync(path.join(FIXTURE, file), path.join(app, file));
  await sh(
    `npm install --no-audit --no-fund --prefer-offline --loglevel=error --cache ${NPM_CACHE} ${tarballs.join(" ")} "@langchain/core@${catalog("@langchain/core")}" "@langchain/openai@${catalog("@langchain/openai")}"`,
    300_000,
  );
}, 420_000);

afterAll(() => {
  if (work !== undefined) rmSync(work, { recursive: true, force: true });
});

/** The commands of the READMEs that run in an app, in README order (root README first). */
const appCommands = allCommands().filter((c) => policyOf(c).kind === "app" || policyOf(c).kind === "serve" && contextOf(c.readme).kind === "app");

describe("the packed packages, installed with npm into an app outside the workspace", () => {
  it("installed from the tarballs, not from the workspace or the registry", () => {
    const installed = JSON.parse(readFileSync(path.join(app, "package.json"), "utf8")).dependencies;
    expect(Object.keys(installed).sort()).toEqual(["@langchain-otel/audit-cli", "@langchain-otel/instrumentation", "@langchain-otel/node", "@langchain/core", "@langchain/openai"]);
    for (const pkg of PACKAGES) expect(installed[`@langchain-otel/${pkg}`]).toMatch(/^file:.*\.tgz$/);
  });

  it("trace the app with --import (ESM) and with --require (CommonJS), as the README says; npx langchain-otel-audit verify passes", async () => {
    const root = appCommands.filter((c) => c.readme === "README.md").map((c) => c.text);
    expect(root.map(withoutComment)).toEqual(["node --import @langchain-otel/node/register app.mjs", "node --require @langchain-otel/node/register app.cjs"]);
    for (const command of root) expect((await sh(command)).stdout).toBe("answer: Unused items can be returned within 30 days.\n");

    const spans = spansOf(path.join(app, "audit", "traces.jsonl"));
    const instances = [...new Set(spans.map((s) => s.instance))];
    expect(instances).toHaveLength(2);
    for (const instance of instances) {
      const own = spans.filter((s) => s.instance === instance);
      const byId = new Map(own.map((s) => [s.spanId, s]));
      // name <- parent name, for the tree each process wrote
      expect(own.map((s) => `${s.name} <- ${byId.get(s.parentSpanId)?.name ?? "(root)"}`).sort()).toEqual([
        "ChatPromptTemplate <- RunnableSequence",
        "RunnableSequence <- packed_support",
        "StrOutputParser <- RunnableSequence",
        "chat gpt-4o-mini <- RunnableSequence",
        "execute_tool lookup_policy <- packed_support",
        "packed_support <- (root)",
      ]);
      const chat = own.find((s) => s.name === "chat gpt-4o-mini")!.attributes;
      expect([chat["gen_ai.provider.name"], chat["gen_ai.response.model"], chat["gen_ai.usage.input_tokens"], chat["gen_ai.usage.output_tokens"]]).toEqual(["openai", "gpt-4o-mini-2024-07-18", "21", "8"]);
    }
    expect(spans.filter((s) => s.name === "packed_support").map((s) => s.attributes["session.id"]).sort()).toEqual(["packed-cjs", "packed-esm"]);

    const verify = await sh("npx langchain-otel-audit verify ./audit");
    expect(verify.stdout).toMatch(/\nOK: 36 records verified in 4 chains\nnote: no public key given: the trail is tamper-evident only against accidental edits; .*\n$/);
  });

  it("every command the packages' READMEs give their users works in the app", { timeout: 300_000 }, async () => {
    const own = appCommands.filter((c) => c.readme !== "README.md");
    expect(own.map((c) => `${c.readme}: ${withoutComment(c.text)}`)).toEqual(expect.arrayContaining(["packages/audit-cli/README.md: npx langchain-otel-audit verify ./audit", "packages/node/README.md: node --import @langchain-otel/node/register app.mjs"]));
    const failures: string[] = [];
    // A transcript shows `langchain-otel-audit …` as installed: the app's node_modules/.bin on PATH.
    const installed: ShellContext = { ...user, prelude: [...user.prelude, 'export PATH="$PWD/node_modules/.bin:$PATH"'] };
    for (const command of own) {
      const context = command.kind === "transcript" ? installed : user;
      if (policyOf(command).kind === "serve") {
        const served = await runServe(context, command.text);
        if (served.status !== 200 || !served.stdout.includes("stopped (SIGINT)")) failures.push(`${command.readme}:${command.line} ${command.text}: ${served.status} ${served.stdout} ${served.stderr}`);
        continue;
      }
      const run = await runShell(context, command.text, 120_000);
      const allowed = command.kind === "transcript" ? [0, 1] : [0];
      if (run.code === null || !allowed.includes(run.code)) failures.push(`${command.readme}:${command.line} ${command.text}: exit ${run.code ?? run.signal}\n${run.stderr.slice(-1500)}`);
    }
    expect(failures).toEqual([]);
    expect(readFileSync(path.join(app, "report.html"), "utf8")).toContain('data-verdict="ok"');
  });
});
