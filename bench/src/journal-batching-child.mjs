// SPDX-License-Identifier: Apache-2.0
// What a journaled item costs by how many share a write: node --expose-gc src/journal-batching-child.mjs '<json spec>'
// spec: { groups: [1, 6, 64, 512], items, repetitions }. Captures real spans of workload (a) under the distro
// (start(), default policy), then appends them to the distro's Journal (packages/node's build: an internal class,
// imported from its dist) `group` at a time, yielding to the microtask queue after each group, so each group is one
// write(); the groups alternate across repetitions. Prints "BENCH_RESULT <json>" with µs per item by group size.
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { median } from "./stats.mjs";

function report(result) {
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

/** The app's own span processor (after the audit chain): keeps the ended spans, as the journal would get them. */
class CapturingSpanProcessor {
  spans = [];
  onStart() {}
  onEnd(span) {
    this.spans.push(span);
  }
  forceFlush = async () => {};
  shutdown = async () => {};
}

async function main(spec) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "langchain-otel-bench-journal-"));
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  process.env.LANGCHAIN_OTEL_AUDIT_DIR = path.join(dir, "audit");
  const { start } = await import("@langchain-otel/node");
  const { Journal } = await import("../../packages/node/dist/journal/journal.js");
  const { Reporter } = await import("../../packages/node/dist/reporter.js");
  const capture = new CapturingSpanProcessor();
  const handle = start({ spanProcessors: [capture] });
  await handle.ready;
  const { workloadById } = await import("./workloads/index.mjs");
  const app = await workloadById("a").create();
  while (capture.spans.length < spec.items) await app.invoke({});
  await handle.forceFlush();
  const spans = capture.spans.slice(0, spec.items);

  const reporter = new Reporter();
  const micros = new Map(spec.groups.map((g) => [g, []]));
  const bytes = new Map();
  for (let rep = 0; rep < spec.repetitions; rep++) {
    const order = rep % 2 === 0 ? spec.groups : [...spec.groups].reverse();
    for (const group of order) {
      const journal = new Journal(path.join(dir, "journal"), `g${group}-r${rep}`, reporter);
      globalThis.gc?.();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < spans.length; i += group) {
        for (let j = i; j < Math.min(i + group, spans.length); j++) journal.append("traces", spans[j]);
        await null; // the microtask queue runs: the journal writes what was appended
      }
      micros.get(group).push(Number(process.hrtime.bigint() - t0) / 1000 / spans.length);
      if (rep === 0) bytes.set(group, statSync(journal.path).size);
      journal.closeClean();
    }
  }
  report({
    items: spans.length,
    byGroup: spec.groups.map((group) => ({ group, microsPerItem: median(micros.get(group)), bytesPerItem: bytes.get(group) / spans.length })),
  });
}

main(JSON.parse(process.argv[2])).then(
  () => process.exit(0),
  (err) => {
    report({ error: String(err?.stack ?? err) });
    process.exit(1);
  },
);
