// SPDX-License-Identifier: Apache-2.0
// Writes the collector's second line of redaction into otelcol.yaml, between "# BEGIN GENERATED second line" and
// "# END GENERATED second line", from the instrumentation's detector set (its built dist: `pnpm run build` first).
//   node collector-config/scripts/second-line.mjs          rewrite the block
//   node collector-config/scripts/second-line.mjs --check  exit 1 when the block differs (the unit test checks this too)
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const configFile = path.join(root, "collector-config/otelcol.yaml");
const { withSecondLine } = await import(path.join(root, "packages/instrumentation/dist/redaction/second-line.js"));
const current = readFileSync(configFile, "utf8");
const next = withSecondLine(current);
if (process.argv.includes("--check")) {
  if (next !== current) {
    process.stderr.write("collector-config/otelcol.yaml: the second line differs from the detectors; run node collector-config/scripts/second-line.mjs\n");
    process.exit(1);
  }
  process.stdout.write("collector-config/otelcol.yaml: second line up to date\n");
} else if (next === current) {
  process.stdout.write("collector-config/otelcol.yaml: second line already up to date\n");
} else {
  writeFileSync(configFile, next);
  process.stdout.write("collector-config/otelcol.yaml: second line written\n");
}
