// SPDX-License-Identifier: Apache-2.0
import { ValueType } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
} from "@opentelemetry/sdk-metrics";
import { attributes, collectorEscapes, doubleValue, fields, nanos, scope, type JsonObject } from "./otlp-json.js";

// OTLP's AggregationTemporality: 1 delta, 2 cumulative (0 is unspecified).
function temporality(t: AggregationTemporality): number {
  return t === AggregationTemporality.DELTA ? 1 : 2;
}

function numberPoint(point: DataPoint<number>, valueType: ValueType | undefined): JsonObject {
  const integral = valueType === ValueType.INT && Number.isInteger(point.value);
  return fields([
    ["attributes", attributes(point.attributes)],
    ["startTimeUnixNano", nanos(point.startTime)],
    ["timeUnixNano", nanos(point.endTime)],
    // The collector writes a zero value too: it is the oneof's set member.
    integral ? ["asInt", String(point.value)] : ["asDouble", rawZero(doubleValue(point.value))],
  ]);
}

/** `fields` leaves zeros out; a set value (a point's value, a histogram's sum) stays even when it is 0. */
function rawZero(value: unknown): unknown {
  return value === 0 ? (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON("0") : value;
}

function histogramPoint(point: DataPoint<Histogram>): JsonObject {
  const h = point.value;
  return fields([
    ["attributes", attributes(point.attributes)],
    ["startTimeUnixNano", nanos(point.startTime)],
    ["timeUnixNano", nanos(point.endTime)],
    ["count", h.count === 0 ? undefined : String(h.count)],
    ["sum", h.sum === undefined ? undefined : rawZero(doubleValue(h.sum))],
    ["bucketCounts", h.buckets.counts.map(String)],
    ["explicitBounds", h.buckets.boundaries.map(doubleValue)],
    ["min", h.min === undefined || h.count === 0 ? undefined : rawZero(doubleValue(h.min))],
    ["max", h.max === undefined || h.count === 0 ? undefined : rawZero(doubleValue(h.max))],
  ]);
}

function metric(m: MetricData): JsonObject | undefined {
  const head: Array<readonly [string, unknown]> = [
    ["name", m.descriptor.name],
    ["description", m.descriptor.description],
    ["unit", m.descriptor.unit],
  ];
  switch (m.dataPointType) {
    case DataPointType.SUM:
      return fields([
        ...head,
        [
          "sum",
          fields([
            ["dataPoints", m.dataPoints.map((p) => numberPoint(p, m.descriptor.valueType))],
            ["aggregationTemporality", temporality(m.aggregationTemporality)],
            ["isMonotonic", m.isMonotonic ? true : undefined],
          ]),
        ],
      ]);
    case DataPointType.GAUGE:
      return fields([...head, ["gauge", fields([["dataPoints", m.dataPoints.map((p) => numberPoint(p, m.descriptor.valueType))]])]]);
    case DataPointType.HISTOGRAM:
      return fields([
        ...head,
        [
          "histogram",
          fields([
            ["dataPoints", m.dataPoints.map(histogramPoint)],
            ["aggregationTemporality", temporality(m.aggregationTemporality)],
          ]),
        ],
      ]);
    default:
      // Exponential histograms are not configured by the distro.
      return undefined;
  }
}

/** An `ExportMetricsServiceRequest`, as the collector's file exporter writes it (see otlp-json.ts for the format). */
export function exportMetricsServiceRequest(rm: ResourceMetrics): JsonObject {
  const scopes = rm.scopeMetrics
    .map((sm) =>
      fields([
        ["scope", scope(sm.scope)],
        ["metrics", sm.metrics.map(metric).filter((m): m is JsonObject => m !== undefined)],
        ["schemaUrl", sm.scope.schemaUrl],
      ]),
    )
    .filter((sm) => Array.isArray(sm["metrics"]));
  return fields([
    [
      "resourceMetrics",
      scopes.length === 0
        ? []
        : [
            fields([
              ["resource", fields([["attributes", attributes(rm.resource.attributes)]])],
              ["scopeMetrics", scopes],
              ["schemaUrl", rm.resource.schemaUrl],
            ]),
          ],
    ],
  ]);
}

/** How many data points an export holds. */
export function dataPointCount(rm: ResourceMetrics): number {
  let n = 0;
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

/** One line of the collector's JSON file format (without the newline) for one metrics export. */
export function encodeMetricsLine(rm: ResourceMetrics): string {
  return collectorEscapes(JSON.stringify(exportMetricsServiceRequest(rm)));
}
