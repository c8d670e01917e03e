// SPDX-License-Identifier: Apache-2.0
// Runs every example exactly as its README says (`pnpm start` in its folder), offline, each with a fresh
// audit directory, and fails if any exits non-zero, takes longer than a minute, or writes no spans.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const examples = readdirSync(join(root, "examples"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, "examples", d.name, "package.json")))
  .map((d) => d.name)
  .filter((name) => JSON.parse(readFileSync(join(root, "examples", name, "package.json"), "utf8")).scripts?.start);

const env = { ...process.env, LANGCHAIN_OTEL_CONTENT_POLICY: "full" };
for (const name of ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OPENAI_API_KEY"]) delete env[name];

let failed = 0;
for (const name of examples) {
  const auditDir = mkdtempSync(join(tmpdir(), `example-${name}-`));
  const started = Date.now();
  const run = spawnSync("pnpm", ["--silent", "start"], {
    cwd: join(root, "examples", name),
    env: { ...env, LANGCHAIN_OTEL_AUDIT_DIR: auditDir },
    encoding: "utf8",
    timeout: 60_000,
  });
  const traces = join(auditDir, "traces.jsonl");
  const lines = existsSync(traces) ? readFileSync(traces, "utf8").split("\n").filter(Boolean).length : 0;
  const ok = run.status === 0 && lines > 0;
  console.log(`[examples] ${ok ? "ok  " : "FAIL"} ${name} (${Date.now() - started} ms, exit ${run.status ?? run.signal}, ${lines} export batch(es) in ${traces})`);
  if (!ok) {
    failed++;
    process.stdout.write(run.stdout ?? "");
    process.stderr.write(run.stderr ?? "");
  }
}
console.log(`[examples] ${examples.length - failed} of ${examples.length} examples ran`);
process.exit(failed === 0 ? 0 : 1);
