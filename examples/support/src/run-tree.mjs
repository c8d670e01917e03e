import { existsSync, readFileSync } from "node:fs";

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
    const children = (byParent.get(key) ?? []).sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1));
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
