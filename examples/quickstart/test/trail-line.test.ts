// SPDX-License-Identifier: Apache-2.0
// The quickstart's last lines say where the trail went, and they tell the truth when it went nowhere.
import { mkdtempSync, readdirSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runExample } from "@langchain-otel/example-support";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

/** A loopback port with nothing listening on it: a collector that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("quickstart trail line", () => {
  it("embedded default: names the spans and the audit records files", async () => {
    const run = await runExample(exampleDir);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toContain(`trail: ${run.auditDir}/traces.jsonl (spans)\n       ${run.auditDir}/logs.jsonl (audit records)\n`);
    expect(run.spans).toHaveLength(6);
  });

  it("collector down: says the trail was NOT exported and where it waits, never 'exported'", async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), "quickstart-spool-"));
    const run = await runExample(exampleDir, {
      extraEnv: {
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
        LANGCHAIN_OTEL_SPOOL_DIR: spoolDir,
        OTEL_METRICS_EXPORTER: "none",
      },
    });
    expect(run.code).toBe(0);
    // One batch per signal: the six spans, and their twelve start and end records.
    const pending = readdirSync(spoolDir, { recursive: true }).map(String).filter((f) => f.endsWith(".json")).map((f) => f.split("/")[0]);
    expect(pending.sort()).toEqual(["logs", "traces"]);
    expect(run.stdout).not.toContain("exported over OTLP/HTTP");
    expect(run.stdout).toContain(
      `trail: NOT exported: the collector did not take 2 batches; they wait in ${spoolDir}\n` +
        "       and are sent by the next start that reaches it (stderr says why it failed)\n",
    );
    expect(run.stderr).toContain(`does not take data (ECONNREFUSED): spooling to ${spoolDir}; it is sent when the collector is back, or by the next start`);
  });

  it("spans and records dropped (queueOverflow drop): says how many were LOST, the same count as stderr's summary", async () => {
    const spoolDir = mkdtempSync(join(tmpdir(), "quickstart-spool-"));
    const queues = { OTEL_BSP_MAX_QUEUE_SIZE: "2", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2", OTEL_BLRP_MAX_QUEUE_SIZE: "2", OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "2" };
    const run = await runExample(exampleDir, {
      script: "test/fixtures/lossy.mjs",
      extraEnv: {
        ...queues,
        LANGCHAIN_OTEL_QUEUE_OVERFLOW: "drop",
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${await closedPort()}`,
        LANGCHAIN_OTEL_SPOOL_DIR: spoolDir,
        OTEL_METRICS_EXPORTER: "none",
      },
    });
    expect(run.code).toBe(0);
    const summary = /(\d+) spans and (\d+) audit records of this process were lost/.exec(run.stderr);
    expect(summary).not.toBeNull();
    const lost = Number(summary![1]) + Number(summary![2]);
    expect(lost).toBeGreaterThan(0);
    expect(run.stdout).toContain(`trail: ${lost.toLocaleString("en-US")} spans and records LOST (stderr says why; \`verify\` reports the loss recorded in the trail)\n`);
  });

  it("tracing disabled: says there is no trail", async () => {
    const run = await runExample(exampleDir, { extraEnv: { LANGCHAIN_OTEL_DISABLED: "true" } });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("trail: none (tracing is disabled in this process: LANGCHAIN_OTEL_DISABLED or OTEL_SDK_DISABLED)\n");
    expect(run.spans).toEqual([]);
  });
});
