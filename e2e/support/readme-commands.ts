// SPDX-License-Identifier: Apache-2.0
// Every shell command of every README, and where and how a reader runs it: the README-command test
// (e2e/readme-commands.test.ts) runs the repository's, the packed-install test (e2e/packed-install.test.ts) the
// packages' (written for an app that installed them), so the docs cannot drift from what works.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../../collector-config/scripts/stack.mjs";

/** One command as a README writes it. */
export interface DocCommand {
  readonly readme: string;
  /** 1-based line of the command in the README. */
  readonly line: number;
  /** The command, continuation lines joined. */
  readonly text: string;
  /** `shell`: a line of an sh/bash block; `transcript`: a `$ ` line of a block showing a command and its output. */
  readonly kind: "shell" | "transcript";
}

const SHELL_BLOCKS = new Set(["sh", "bash", "shell", "zsh"]);

/** The commands of one README, in order. */
export function commandsOf(readme: string, text: string): DocCommand[] {
  const commands: DocCommand[] = [];
  const lines = text.split("\n");
  let fence: string | undefined;
  let pending: { text: string; line: number } | undefined;
  lines.forEach((raw, i) => {
    const open = /^```\s*([\w-]*)\s*$/.exec(raw);
    if (fence === undefined) {
      if (open) fence = open[1]!.toLowerCase();
      return;
    }
    if (/^```\s*$/.test(raw)) {
      fence = undefined;
      return;
    }
    if (SHELL_BLOCKS.has(fence)) {
      const line = pending === undefined ? raw.trim() : `${pending.text} ${raw.trim()}`;
      const at = pending?.line ?? i + 1;
      if (line.endsWith("\\")) {
        pending = { text: line.slice(0, -1).trimEnd(), line: at };
        return;
      }
      pending = undefined;
      if (line !== "" && !line.startsWith("#")) commands.push({ readme, line: at, text: line, kind: "shell" });
    } else if (raw.startsWith("$ ")) {
      commands.push({ readme, line: i + 1, text: raw.slice(2).trim(), kind: "transcript" });
    }
  });
  return commands;
}

/** Every README of the repository (as git tracks them), by path from the root. */
export function readmes(): string[] {
  return execFileSync("git", ["ls-files", "*README.md"], { cwd: REPO_ROOT, encoding: "utf8" })
    .split("\n")
    .filter((p) => p !== "")
    .sort();
}

/** Every command of every README. */
export function allCommands(): DocCommand[] {
  return readmes().flatMap((readme) => commandsOf(readme, readFileSync(path.join(REPO_ROOT, readme), "utf8")));
}

/**
 * Where a README's commands run. `repo`: in the repository (a fresh clone in CI) from `cwd`, in a shell that has
 * what the root README's first lines set up; `app`: in an app outside the repository that installed the packed
 * packages (the packages' READMEs are written for their users).
 */
export type Context = { readonly kind: "repo"; readonly cwd: string; readonly prelude: readonly string[] } | { readonly kind: "app" };

/** The context of each README's commands. */
export function contextOf(readme: string): Context {
  if (readme.startsWith("packages/")) return { kind: "app" };
  if (readme === "README.md") return { kind: "repo", cwd: ".", prelude: [] };
  const example = /^examples\/([^/]+)\/README\.md$/.exec(readme);
  if (example) return { kind: "repo", cwd: `examples/${example[1]}`, prelude: ["source ../../scripts/env.sh"] };
  return { kind: "repo", cwd: ".", prelude: ["source scripts/env.sh"] };
}

/** What the test does with a command; the default is to run it and expect exit status 0. */
export type Policy =
  /** Not run: `reason` says why; `check` asserts the command resolves (its script, file or option exists). */
  | { readonly kind: "skip"; readonly reason: string; readonly check: () => void }
  /** A server that runs until stopped: started, its page fetched, stopped. */
  | { readonly kind: "serve" }
  /** Run, with `expect` on its output. */
  | { readonly kind: "run"; readonly expect?: (stdout: string) => void; readonly retries?: number; readonly allowExit?: readonly number[] }
  /** The packed-install test's setup stands for it (it installs the packed tarballs instead of the registry's). */
  | { readonly kind: "setup"; readonly reason: string }
  /** A command for an app that uses the packages: run by the packed-install test in its app. */
  | { readonly kind: "app" };

function rootScript(name: string): () => void {
  return () => {
    const scripts = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")).scripts as Record<string, string>;
    if (scripts[name] === undefined) throw new Error(`the root package.json has no "${name}" script`);
  };
}

function fileExists(file: string): () => void {
  return () => {
    readFileSync(path.join(REPO_ROOT, file));
  };
}

/** A command without its trailing comment: what {@link POLICIES} is keyed by. */
export function withoutComment(text: string): string {
  return text.replace(/\s+#\s.*$/, "");
}

/**
 * The commands that are not simply run, by their text without a trailing comment. An entry that matches no README
 * command fails the test, so this list cannot outlive the docs either.
 */
export const POLICIES: ReadonlyMap<string, Policy> = new Map<string, Policy>([
  ["bash scripts/test.sh", { kind: "skip", reason: "the suite this test is part of", check: fileExists("scripts/test.sh") }],
  ["pnpm bench", { kind: "skip", reason: "about 20 minutes of measurement, run by hand (BENCHMARKS.md)", check: rootScript("bench") }],
  [
    "pnpm bench --no-throughput --no-profile --no-redaction --no-signing --no-contract --modes none,ours-redacted,ours-journal,ours-distro-no-exit-hooks --out /tmp/bench-exit.md",
    {
      kind: "skip",
      reason: "about 10 minutes of measurement (the journal and the exit drain), run by hand",
      check: () => {
        rootScript("bench")();
        const modes = readFileSync(path.join(REPO_ROOT, "bench/src/modes/distro.mjs"), "utf8");
        for (const id of ["ours-journal", "ours-distro-no-exit-hooks"]) {
          if (!modes.includes(`id: "${id}"`)) throw new Error(`bench has no mode ${id}`);
        }
      },
    },
  ],
  [
    "pnpm bench --quick",
    {
      kind: "skip",
      reason: "2 minutes of measurement, run by hand",
      check: () => {
        rootScript("bench")();
        if (!readFileSync(path.join(REPO_ROOT, "bench/src/main.mjs"), "utf8").includes("quick: { type: \"boolean\"")) throw new Error("bench has no --quick option");
      },
    },
  ],
  [
    "LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT=$PWD/bench/scale-e2e.json pnpm exec vitest run --config vitest.e2e.config.ts e2e/scale.test.ts",
    {
      kind: "skip",
      reason: "e2e/scale.test.ts runs in this suite; nested, it would wait for the stack this suite holds",
      check: () => {
        if (!readFileSync(path.join(REPO_ROOT, "e2e/scale.test.ts"), "utf8").includes("process.env.LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT")) {
          throw new Error("e2e/scale.test.ts no longer reads LANGCHAIN_OTEL_SCALE_MEASUREMENT_OUT");
        }
      },
    },
  ],
  [
    "pnpm bench --scale-only",
    {
      kind: "skip",
      reason: "rewrites BENCHMARKS.md, a tracked file, from the measurement a scale test run recorded",
      check: () => {
        rootScript("bench")();
        if (!readFileSync(path.join(REPO_ROOT, "bench/src/main.mjs"), "utf8").includes('"scale-only": { type: "boolean"')) throw new Error("bench has no --scale-only option");
      },
    },
  ],
  [
    `printf '%s\\n%s' 0000000000000000000000000000000000000000000000000000000000000000 "$CANONICAL" | sha256sum`,
    { kind: "skip", reason: "a worked example: $CANONICAL is the canonical form printed above it", check: () => execFileSync("sha256sum", ["--version"]) },
  ],
  ["npm install @langchain-otel/node", { kind: "setup", reason: "the packed tarballs are installed instead of the registry's" }],
  ["node --import @langchain-otel/node/register app.mjs", { kind: "app" }],
  ["node --require @langchain-otel/node/register app.cjs", { kind: "app" }],
  ["npx langchain-otel-audit serve examples/quickstart/audit", { kind: "serve" }],
  ["npx langchain-otel-audit serve .stack/audit", { kind: "serve" }],
  ["langchain-otel-audit serve audit/", { kind: "serve" }],
  // The collector hands records to the SIEM branch's queue and to rsyslog asynchronously: a reader types slower.
  ["tail -1 .stack/audit/logs.jsonl; tail -1 .stack/siem/received.log", { kind: "run", retries: 20 }],
]);

/**
 * The policy of a command: its entry, else "app" for the packages' READMEs, else run it. A transcript line
 * (`$ langchain-otel-audit show --session s-1 audit/`) shows output of an example trail, so on another trail it
 * may find nothing (exit 1); its options must still parse (not 2).
 */
export function policyOf(command: DocCommand): Policy {
  const entry = POLICIES.get(withoutComment(command.text));
  if (entry !== undefined) return entry;
  if (contextOf(command.readme).kind === "app") return { kind: "app" };
  return command.kind === "transcript" ? { kind: "run", allowExit: [0, 1] } : { kind: "run" };
}

/**
 * The environment a reader's shell has on a fresh machine: the machine's PATH without this repository's tools
 * (no .tools, no node_modules/.bin), and none of the variables the test runner, pnpm or an OTel setup add.
 */
export function readerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|PNPM_|pnpm_|VITEST|TINYPOOL|OTEL_|LANGCHAIN_OTEL_)/.test(key) || ["NODE_OPTIONS", "INIT_CWD", "NODE", "OPENAI_API_KEY"].includes(key)) continue;
    env[key] = value;
  }
  env["PATH"] = (process.env["PATH"] ?? "")
    .split(":")
    .filter((dir) => dir !== "" && !dir.includes("/.tools/") && !dir.includes("node_modules/.bin"))
    .join(":");
  return env;
}
