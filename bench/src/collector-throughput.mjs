// SPDX-License-Identifier: Apache-2.0
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./installed.mjs";
import { runChild } from "./runner.mjs";

const STACK_SCRIPT = path.join(REPO_ROOT, "collector-config", "scripts", "stack.mjs");
const COLLECTOR_BINARY = path.join(REPO_ROOT, ".cache", "stack", "otelcol-langchain");
const OTLP_TRACES_URL = "http://127.0.0.1:4318/v1/traces";
const COLLECTOR_METRICS_URL = "http://127.0.0.1:18888/metrics";

function stack(command, stackDir) {
  const run = spawnSync(process.execPath, [STACK_SCRIPT, command, "collector"], {
    cwd: REPO_ROOT,
    env: { ...process.env, LANGCHAIN_OTEL_STACK_DIR: stackDir },
    encoding: "utf8",
    timeout: 120_000,
  });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`.trim();
  return { ok: run.status === 0, output, command: `LANGCHAIN_OTEL_STACK_DIR=${stackDir} node collector-config/scripts/stack.mjs ${command} collector` };
}

/** Sum of a Prometheus counter over its label sets, or undefined when the collector does not report it. */
async function collectorCounter(name) {
  try {
    const text = await (await fetch(COLLECTOR_METRICS_URL)).text();
    let sum;
    for (const line of text.split("\n")) {
      if (!line.startsWith(name)) continue;
      const value = Number(line.slice(line.lastIndexOf(" ") + 1));
      if (Number.isFinite(value)) sum = (sum ?? 0) + value;
    }
    return sum;
  } catch {
    return undefined;
  }
}

/**
 * Ours (`policy`) on workload (a), exporting over OTLP/HTTP into the project's real OpenTelemetry Collector,
 * started with a temporary state directory and stopped afterwards. Returns `{ skipped }` with the reason when the
 * collector is not built or does not come up.
 */
export async function measureCollectorThroughput({ seconds, policy }) {
  if (!existsSync(COLLECTOR_BINARY)) {
    return { skipped: `the collector is not built (${path.relative(REPO_ROOT, COLLECTOR_BINARY)} missing; pnpm stack:build builds it)` };
  }
  const stackDir = mkdtempSync(path.join(os.tmpdir(), "langchain-otel-bench-stack-"));
  try {
    const up = stack("up", stackDir);
    if (!up.ok) return { skipped: `\`${up.command}\` failed: ${up.output.split("\n").slice(-3).join(" | ")}` };
    try {
      const acceptedBefore = (await collectorCounter("otelcol_receiver_accepted_spans")) ?? 0;
      // The collector takes OTLP only with the state directory's bearer token.
      const token = readFileSync(path.join(stackDir, "auth", "otlp-token"), "utf8").trim();
      const headers = { Authorization: `Bearer ${token}` };
      const result = await runChild("throughput-child.mjs", { url: OTLP_TRACES_URL, headers, seconds, policy }, { timeoutMillis: (seconds + 90) * 1000 });
      const acceptedAfter = await collectorCounter("otelcol_receiver_accepted_spans");
      return {
        ...result,
        collectorAcceptedSpans: acceptedAfter === undefined ? undefined : acceptedAfter - acceptedBefore,
        commands: [up.command, "…", up.command.replace(" up ", " down ")],
      };
    } finally {
      stack("down", stackDir);
    }
  } finally {
    rmSync(stackDir, { recursive: true, force: true });
  }
}
