// SPDX-License-Identifier: Apache-2.0
// Readers for the collector's audit files: one OTLP/JSON export request per line (file exporter, `format: json`).
import { existsSync, readFileSync } from "node:fs";
import { readSpans } from "../../examples/support/src/run-tree.mjs";

export { readSpans };

/** A span as `readSpans` returns it: the OTLP/JSON span with its attributes flattened to a record. */
export interface FileSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes: Record<string, unknown>;
}

/** A log record flattened the same way, with its resource's attributes beside it. */
export interface FileLogRecord {
  traceId: string;
  spanId: string;
  eventName?: string;
  timeUnixNano?: string;
  body?: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
}
interface KeyValue {
  key: string;
  value?: AnyValue;
}

function anyValue(value: AnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return keyValues(value.kvlistValue.values);
  return undefined;
}

function keyValues(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, anyValue(kv.value)]));
}

/** Every line of a JSONL file, parsed; [] when the file does not exist. Throws on a half-written line. */
function jsonLines(file: string): any[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line));
}

/** Spans of a traces file (via examples/support's `readSpans`), typed. */
export function readFileSpans(file: string): FileSpan[] {
  return readSpans(file) as FileSpan[];
}

/** Span ID → `service.name` of the resource the span was exported with. */
export function readSpanServices(file: string): Map<string, string> {
  const services = new Map<string, string>();
  for (const request of jsonLines(file)) {
    for (const rs of request.resourceSpans ?? []) {
      const service = String(keyValues(rs.resource?.attributes)["service.name"]);
      for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) services.set(span.spanId, service);
    }
  }
  return services;
}

/** Every log record of a logs file, flattened. */
export function readLogRecords(file: string): FileLogRecord[] {
  const records: FileLogRecord[] = [];
  for (const request of jsonLines(file)) {
    for (const rl of request.resourceLogs ?? []) {
      const resource = keyValues(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) {
          records.push({
            traceId: record.traceId ?? "",
            spanId: record.spanId ?? "",
            eventName: record.eventName,
            timeUnixNano: record.timeUnixNano,
            body: anyValue(record.body),
            attributes: keyValues(record.attributes),
            resource,
          });
        }
      }
    }
  }
  return records;
}

/** One stamped span or record of an audit file, where it is in the file. */
export interface StampedItem {
  /** `service.instance.id` of the resource it was exported with. */
  instance: string;
  /** `service.name` of that resource. */
  service: string;
  /** `audit.seq` (NaN when the item carries none). */
  seq: number;
  /** 1-based line of the file: the export request it arrived in. */
  line: number;
}

/** The spans (traces file) or records (logs file) of an audit file in file order, with their instance and `audit.seq`. */
export function readStampedItems(file: string): StampedItem[] {
  const items: StampedItem[] = [];
  jsonLines(file).forEach((request, index) => {
    const groups = [
      ...(request.resourceSpans ?? []).map((rs: any) => ({ resource: rs.resource, items: (rs.scopeSpans ?? []).flatMap((ss: any) => ss.spans ?? []) })),
      ...(request.resourceLogs ?? []).map((rl: any) => ({ resource: rl.resource, items: (rl.scopeLogs ?? []).flatMap((sl: any) => sl.logRecords ?? []) })),
    ];
    for (const group of groups) {
      const resource = keyValues(group.resource?.attributes);
      for (const item of group.items) {
        items.push({
          instance: String(resource["service.instance.id"]),
          service: String(resource["service.name"]),
          seq: Number(keyValues(item.attributes)["audit.seq"] ?? Number.NaN),
          line: index + 1,
        });
      }
    }
  });
  return items;
}

/** The seqs of one instance's items in file order, and whether they only ever go up (delivered in `audit.seq` order). */
export function seqOrder(items: StampedItem[], instance: string): { seqs: number[]; ascending: boolean; outOfOrder: number[] } {
  const seqs = items.filter((item) => item.instance === instance).map((item) => item.seq);
  // A repeat (at-least-once) of something already delivered is not out of order; a first delivery below the highest seen is.
  const seen = new Set<number>();
  const outOfOrder: number[] = [];
  let highest = 0;
  for (const seq of seqs) {
    if (!seen.has(seq) && seq < highest) outOfOrder.push(seq);
    seen.add(seq);
    highest = Math.max(highest, seq);
  }
  return { seqs, ascending: outOfOrder.length === 0, outOfOrder };
}

/** One data point of a metrics file (collector file exporter, `format: json`), flattened. */
export interface FileMetricPoint {
  /** `service.name` of the resource it was exported with. */
  service: string;
  /** 1-based line of the file: the export request it arrived in. */
  line: number;
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  /** Histograms: how many values, their sum, the boundaries and the count in each bucket. */
  count?: number;
  sum?: number;
  explicitBounds?: number[];
  bucketCounts?: number[];
  /** Sums and gauges: the point's value. */
  value?: number;
  /** Sums: monotonic; histograms and sums: 1 delta, 2 cumulative. */
  isMonotonic?: boolean;
  aggregationTemporality?: number;
}

/** Every data point of a metrics file, in file order. */
export function readMetricPoints(file: string): FileMetricPoint[] {
  const points: FileMetricPoint[] = [];
  jsonLines(file).forEach((request, index) => {
    for (const rm of request.resourceMetrics ?? []) {
      const service = String(keyValues(rm.resource?.attributes)["service.name"]);
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) {
          const head = { service, line: index + 1, name: metric.name, unit: metric.unit };
          for (const p of metric.histogram?.dataPoints ?? []) {
            points.push({
              ...head,
              attributes: keyValues(p.attributes),
              count: Number(p.count ?? 0),
              sum: p.sum ?? 0,
              explicitBounds: p.explicitBounds ?? [],
              bucketCounts: (p.bucketCounts ?? []).map(Number),
              aggregationTemporality: metric.histogram.aggregationTemporality,
            });
          }
          for (const p of metric.sum?.dataPoints ?? []) {
            points.push({
              ...head,
              attributes: keyValues(p.attributes),
              value: p.asDouble ?? Number(p.asInt ?? 0),
              isMonotonic: metric.sum.isMonotonic === true,
              aggregationTemporality: metric.sum.aggregationTemporality,
            });
          }
        }
      }
    }
  });
  return points;
}
