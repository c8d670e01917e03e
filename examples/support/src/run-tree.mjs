// SPDX-License-Identifier: Apache-2.0
import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { getHandle } from "@langchain-otel/node";

function attributeValue(value) {
  if (value === undefined) return undefined;
  if ("stringValue" in value) return value.stringValue;
  if ("intValue" in value) return Number(value.intValue);
  if ("doubleValue" in value) return value.doubleValue;
  if ("boolValue" in value) return value.boolValue;
  if ("arrayValue" in value) return (value.arrayValue.values ?? []).map(attributeValue);
  return undefined;
}

/** Every span in an OTLP-JSON lines file (the collector file exporter's format), flattened. */
export function readSpans(file) {
  if (!existsSync(file)) return [];
  const spans = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    for (const rs of JSON.parse(line).resourceSpans ?? []) {
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          const attributes = Object.fromEntries((span.attributes ?? []).map((a) => [a.key, attributeValue(a.value)]));
          spans.push({ ...span, attributes });
        }
      }
    }
  }
  return spans;
}

/**
 * Prints the spans of the given traces as trees: name, duration, status and tokens. Returns the lines.
 */
export function printRunTree(spans, traceIds, print = console.log) {
  const lines = [];
  const byParent = new Map();
  const ids = new Set(spans.map((s) => s.spanId));
  for (const span of spans) {
    if (!traceIds.includes(span.traceId)) continue;
    const key = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : `root:${span.traceId}`;
    byParent.set(key, [...(byParent.get(key) ?? []), span]);
  }
  const walk = (key, depth) => {
    const children = (byParent.get(key) ?? []).sort(byStartTime);
    for (const span of children) {
      const ms = Number(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)) / 1e6;
      const a = span.attributes;
      const tokens = a["gen_ai.usage.input_tokens"] !== undefined ? `  tokens ${a["gen_ai.usage.input_tokens"]}→${a["gen_ai.usage.output_tokens"]}` : "";
      const status = span.status?.code === 2 ? `  ERROR ${span.status.message ?? ""}` : "";
      lines.push(`${"  ".repeat(depth)}${span.name}  ${ms.toFixed(1)} ms${tokens}${status}`);
      walk(span.spanId, depth + 1);
    }
  };
  for (const traceId of traceIds) {
    lines.push(`trace ${traceId}`);
    walk(`root:${traceId}`, 1);
  }
  for (const line of lines) print(line);
  return lines;
}

/** Orders spans by start time. */
export function byStartTime(a, b) {
  const x = BigInt(a.startTimeUnixNano);
  const y = BigInt(b.startTimeUnixNano);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Root spans (no parent among `spans`), ordered by start time. */
export function rootSpans(spans) {
  const ids = new Set(spans.map((s) => s.spanId));
  return spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId)).sort(byStartTime);
}

/**
 * A directory as a command typed in the user's shell names it: relative to where they ran `pnpm` (INIT_CWD; the
 * repository root for `pnpm demo`) when inside it, else absolute.
 */
function typedPath(dir) {
  const rel = relative(process.env.INIT_CWD ?? process.cwd(), dir);
  return rel === "" ? "." : rel.startsWith("..") || isAbsolute(rel) ? dir : rel;
}

/** "1 batch", "3 batches": a count with its noun. */
function counted(n, one, many) {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/**
 * What the trail line says once the distro has shut down: where the spans and records went, as the handle's
 * counters tell it (never "exported" when the collector did not take them, never silent about a loss).
 */
export function trailLines(handle) {
  if (!handle?.enabled) return ["trail: none (tracing is disabled in this process: LANGCHAIN_OTEL_DISABLED or OTEL_SDK_DISABLED)"];
  const stats = handle.stats();
  const lines = [];
  if (handle.exporter === "file") {
    const logs = join(handle.auditDir, "logs.jsonl");
    lines.push(`trail: ${join(handle.auditDir, "traces.jsonl")} (spans)`);
    if (existsSync(logs)) lines.push(`       ${logs} (audit records)`);
  } else if (stats.pendingBatches > 0) {
    lines.push(
      `trail: NOT exported: the collector did not take ${counted(stats.pendingBatches, "batch", "batches")}; they wait in ${handle.spoolDir}`,
      "       and are sent by the next start that reaches it (stderr says why it failed)",
    );
  } else {
    lines.push(
      "trail: exported over OTLP/HTTP to your collector (the local stack writes it to .stack/audit;",
      "       see it with `npx langchain-otel-audit serve .stack/audit` at the repository root)",
    );
  }
  const lost = stats.droppedItems + stats.queueDroppedSpans + stats.queueDroppedLogRecords;
  if (lost > 0) {
    lines.push(`trail: ${counted(lost, "span or record", "spans and records")} LOST (stderr says why; \`verify\` reports the loss recorded in the trail)`);
  }
  return lines;
}

/**
 * The end of every example: shuts the distro down (which flushes the trail), says where the trail went and,
 * for the embedded audit files, prints the run tree of each trace `pickTraces(spans)` names (default: every
 * trace) and the command that shows the trail in a browser.
 */
export async function showTrail(pickTraces = (spans) => rootSpans(spans).map((s) => s.traceId)) {
  const handle = getHandle();
  await handle?.shutdown();
  for (const line of trailLines(handle)) console.log(line);
  if (handle?.exporter !== "file") return;
  const spans = readSpans(join(handle.auditDir, "traces.jsonl"));
  printRunTree(spans, pickTraces(spans));
  const dir = typedPath(handle.auditDir);
  console.log(`see it: npx langchain-otel-audit report --html ${join(dir, "report.html")} ${dir}   (live: npx langchain-otel-audit serve ${dir})`);
}
