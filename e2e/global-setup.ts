// SPDX-License-Identifier: Apache-2.0
// Once per `pnpm test:e2e`: installs Debian's Chromium for the browser tests when missing, builds the local
// stack, the scale profile's Kafka included (a no-op when .cache/stack is up to date; minutes on a fresh machine)
// and makes the run directory the test files put their stack state directories in.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { build, down } from "../collector-config/scripts/stack.mjs";
import { ensureChromium } from "./support/chromium.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** Directory holding each test file's stack state directory. */
    e2eRunDir: string;
  }
}

const log = (line: string) => process.stdout.write(`[e2e] ${line}\n`);

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const chromiumSeconds = ensureChromium(log);
  if (chromiumSeconds > 0) log(`chromium installed in ${chromiumSeconds.toFixed(1)} s`);
  const started = Date.now();
  log("building the local stack (cached builds are skipped; a first build prints progress every 20 s)…");
  await build({ profile: "scale", log: (line: string) => log(`build: ${line}`) });
  log(`stack build ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const runDir = mkdtempSync(path.join(tmpdir(), "langchain-otel-e2e-"));
  project.provide("e2eRunDir", runDir);
  log(`stack state directories under ${runDir}`);

  return async () => {
    // A test file's afterAll stops its stack; this catches a worker that died before getting there.
    for (const entry of existsSync(runDir) ? readdirSync(runDir) : []) {
      const stackDir = path.join(runDir, entry);
      if (existsSync(path.join(stackDir, "pids")) && readdirSync(path.join(stackDir, "pids")).length > 0) {
        log(`stopping a stack left running in ${stackDir}`);
        await down({ stackDir, log });
      }
    }
    if (process.env.LANGCHAIN_OTEL_E2E_KEEP === "1") log(`kept ${runDir} (LANGCHAIN_OTEL_E2E_KEEP=1)`);
    else rmSync(runDir, { recursive: true, force: true });
  };
}
