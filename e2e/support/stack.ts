// SPDX-License-Identifier: Apache-2.0
// Each e2e test file runs its own stack (the same fixed ports, so files run one at a time) in a fresh state
// directory under the run directory that global setup made.
import { mkdtempSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, inject } from "vitest";
import { down, paths, up } from "../../collector-config/scripts/stack.mjs";

export type StackPaths = ReturnType<typeof paths>;

/** Writes a stack-script log line to the test output, tagged with the file's label. */
export function stackLog(label: string): (line: string) => void {
  return (line) => console.log(`[stack ${label}] ${line}`);
}

/** A component of the local stack, as `up()` / `down()` / `kill()` name it (the last five: the scale profile's). */
export type StackComponent = "rsyslog" | "jaeger" | "collector" | "kafka" | "gateway-1" | "gateway-2" | "agent-1" | "agent-2";

/**
 * Starts the local stack before the file's tests (`up()` in a new `LANGCHAIN_OTEL_STACK_DIR`) and stops it
 * after them (`down()`), whether they passed or not. A start-up that fails half-way stops what it started.
 * `components` starts only those (the tests start the others themselves); every component is stopped after.
 * `profile: "scale"` runs the agents → Kafka → gateways stack instead of the one collector.
 * `upOptions(stackDir)` adds options of `up()` (a TLS certificate for the collector, say), made before it runs.
 */
export function useStack(
  label: string,
  {
    components,
    profile,
    upOptions,
  }: { components?: StackComponent[]; profile?: "default" | "scale"; upOptions?: (stackDir: string) => Record<string, unknown> } = {},
): { readonly paths: StackPaths; readonly stackDir: string } {
  const stackDir = mkdtempSync(path.join(inject("e2eRunDir"), `${label}-`));
  const log = stackLog(label);
  beforeAll(async () => {
    process.env.LANGCHAIN_OTEL_STACK_DIR = stackDir;
    try {
      await up({ stackDir, components, profile, log, ...upOptions?.(stackDir) });
    } catch (err) {
      await down({ stackDir, log });
      throw err;
    }
  }, 120_000);
  afterAll(async () => {
    await down({ stackDir, log });
  }, 120_000);
  return { paths: paths({ stackDir }), stackDir };
}
