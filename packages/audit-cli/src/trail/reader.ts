// SPDX-License-Identifier: Apache-2.0
import {
  OtlpJsonShapeError,
  canonicalResourceFromOtlpJson,
  canonicalScopeFromOtlpJson,
  instanceIdFromOtlpJson,
  type AuditSignal,
  type OtlpJsonLogRecord,
  type OtlpJsonRecordContext,
  type OtlpJsonResource,
  type OtlpJsonScope,
  type OtlpJsonSpan,
} from "@langchain-otel/node/integrity";
import { forEachLine } from "./lines.js";
import type { TrailFile } from "./paths.js";
import type { Progress } from "./progress.js";

/** Where a record is: file (as listed) and 1-based line. */
export interface Location {
  readonly file: string;
  readonly line: number;
}

/** `file:line`, the way every report names a place. */
export function formatLocation(location: Location): string {
  return `${location.file}:${location.line}`;
}

interface ItemBase {
  readonly signal: AuditSignal;
  /** The resource's `service.instance.id` ("" when it has none). */
  readonly instance: string;
  readonly resource: OtlpJsonResource | undefined;
  readonly location: Location;
  /**
   * The canonical resource and scope the record's hash covers, computed once per resource and scope entry of its
   * line, and only when asked for (by the verifier).
   * @throws {OtlpJsonShapeError} for a resource or scope of the wrong shape.
   */
  readonly canonicalContext: () => OtlpJsonRecordContext;
}

/** A span read from a traces line. */
export interface SpanItem extends ItemBase {
  readonly signal: "traces";
  readonly span: OtlpJsonSpan;
}

/** A log record read from a logs line. */
export interface LogItem extends ItemBase {
  readonly signal: "logs";
  readonly record: OtlpJsonLogRecord;
}

export type TrailItem = SpanItem | LogItem;

/** A line, or a record in it, that is not what an OTLP/JSON file holds. */
export interface Malformed {
  readonly location: Location;
  readonly reason: string;
}

/** What a command does with what the reader finds. */
export interface TrailVisitor {
  /** Called for every span and log record, in file order. May throw `OtlpJsonShapeError` to report it malformed. */
  item(item: TrailItem): void;
  malformed(problem: Malformed): void;
  /**
   * A last line without a line feed that is not JSON: its writer was cut off mid-write (killed, disk full). It is
   * skipped, not counted as malformed; without this hook it is reported malformed.
   */
  torn?(location: Location): void;
}

export interface ReadOptions {
  /** Told the bytes read. */
  readonly progress?: Progress | undefined;
  /** Awaited between chunks of a file (a command writing as it reads drains its output here). */
  readonly afterChunk?: () => Promise<void>;
}

/** What was read. */
export interface TrailTotals {
  files: number;
  lines: number;
  bytes: number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function array(value: unknown, field: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new OtlpJsonShapeError(`${field} is not an array`);
  return value;
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (!isObject(value)) throw new OtlpJsonShapeError(`${field} is not an object`);
  return value;
}

/**
 * Streams the files line by line and hands every span and log record to the visitor, with its instance and
 * location; a line that is not JSON or not an export request is reported malformed and the reading carries on.
 * A metrics export request (`metrics.jsonl`) is read past: metrics are no part of the audit chains.
 * Each line is dropped once visited, so memory does not grow with the files.
 */
export async function readTrail(files: readonly TrailFile[], visitor: TrailVisitor, options: ReadOptions = {}): Promise<TrailTotals> {
  const { progress, afterChunk } = options;
  const totals: TrailTotals = { files: files.length, lines: 0, bytes: 0 };
  for (const file of files) {
    const onLine = (text: string, line: number, complete: boolean): void => {
      totals.lines++;
      if (/^\s*$/.test(text)) return;
      const location: Location = { file: file.path, line };
      let request: unknown;
      try {
        request = JSON.parse(text);
      } catch {
        if (complete) visitor.malformed({ location, reason: "not JSON" });
        else if (visitor.torn !== undefined) visitor.torn(location);
        else visitor.malformed({ location, reason: "not JSON (a torn last line)" });
        return;
      }
      try {
        visitLine(request, location, visitor);
      } catch (err) {
        if (!(err instanceof OtlpJsonShapeError)) throw err;
        visitor.malformed({ location, reason: err.message });
      }
    };
    const onBytes = (bytes: number): void => {
      totals.bytes += bytes;
      progress?.add(bytes);
    };
    await forEachLine(file.path, onLine, afterChunk === undefined ? { onBytes } : { onBytes, afterChunk });
  }
  progress?.done();
  return totals;
}

/** `compute()` once, on first call (a failure is not kept: it is thrown again for every record that asks). */
function once<T>(compute: () => T): () => T {
  let value: T | undefined;
  let done = false;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value as T;
  };
}

/** The canonical context of the records of one scope entry, sharing its resource entry's canonical resource. */
function contextOf(resourceText: () => OtlpJsonRecordContext["resource"], scope: Record<string, unknown>): () => OtlpJsonRecordContext {
  return once(() => ({ resource: resourceText(), scope: canonicalScopeFromOtlpJson(scope["scope"] as OtlpJsonScope | undefined, scope["schemaUrl"]) }));
}

function visitLine(request: unknown, location: Location, visitor: TrailVisitor): void {
  if (!isObject(request) || (request["resourceSpans"] === undefined && request["resourceLogs"] === undefined)) {
    // A metrics export (metrics.jsonl, which the distro and the collector write beside the trail) holds no record.
    if (isObject(request) && request["resourceMetrics"] !== undefined) return;
    throw new OtlpJsonShapeError("not an OTLP/JSON traces or logs export request");
  }
  array(request["resourceSpans"], "resourceSpans").forEach((rs, r) => {
    const resourceSpans = object(rs, `resourceSpans[${r}]`);
    const resource = resourceSpans["resource"] as OtlpJsonResource | undefined;
    const instance = instanceIdFromOtlpJson(resource);
    const resourceText = once(() => canonicalResourceFromOtlpJson(resource, resourceSpans["schemaUrl"]));
    array(resourceSpans["scopeSpans"], `resourceSpans[${r}].scopeSpans`).forEach((ss, s) => {
      const field = `resourceSpans[${r}].scopeSpans[${s}].spans`;
      const scopeSpans = object(ss, `resourceSpans[${r}].scopeSpans[${s}]`);
      const canonicalContext = contextOf(resourceText, scopeSpans);
      array(scopeSpans["spans"], field).forEach((span, i) => {
        visitItem(visitor, location, `${field}[${i}]`, () => ({ signal: "traces", instance, resource, canonicalContext, span: object(span, `${field}[${i}]`), location }));
      });
    });
  });
  array(request["resourceLogs"], "resourceLogs").forEach((rl, r) => {
    const resourceLogs = object(rl, `resourceLogs[${r}]`);
    const resource = resourceLogs["resource"] as OtlpJsonResource | undefined;
    const instance = instanceIdFromOtlpJson(resource);
    const resourceText = once(() => canonicalResourceFromOtlpJson(resource, resourceLogs["schemaUrl"]));
    array(resourceLogs["scopeLogs"], `resourceLogs[${r}].scopeLogs`).forEach((sl, s) => {
      const field = `resourceLogs[${r}].scopeLogs[${s}].logRecords`;
      const scopeLogs = object(sl, `resourceLogs[${r}].scopeLogs[${s}]`);
      const canonicalContext = contextOf(resourceText, scopeLogs);
      array(scopeLogs["logRecords"], field).forEach((record, i) => {
        visitItem(visitor, location, `${field}[${i}]`, () => ({ signal: "logs", instance, resource, canonicalContext, record: object(record, `${field}[${i}]`), location }));
      });
    });
  });
}

/** A bad record is reported on its own (naming it), and the rest of its line is still read. */
function visitItem(visitor: TrailVisitor, location: Location, field: string, make: () => TrailItem): void {
  try {
    visitor.item(make());
  } catch (err) {
    if (!(err instanceof OtlpJsonShapeError)) throw err;
    visitor.malformed({ location, reason: err.message.startsWith(field) ? err.message : `${field}: ${err.message}` });
  }
}
