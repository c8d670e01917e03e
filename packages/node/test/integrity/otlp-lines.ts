// SPDX-License-Identifier: Apache-2.0
import {
  canonicalResourceFromOtlpJson,
  canonicalScopeFromOtlpJson,
  instanceIdFromOtlpJson,
  type OtlpJsonLogRecord,
  type OtlpJsonLogsRequest,
  type OtlpJsonRecordContext,
  type OtlpJsonSpan,
  type OtlpJsonTracesRequest,
} from "../../src/integrity/index.js";

/** A span of an OTLP/JSON line with what its canonical form takes from the line: as the verifier reads it. */
export interface LineSpan {
  readonly span: OtlpJsonSpan;
  readonly context: OtlpJsonRecordContext;
  readonly instance: string;
}

/** A log record of an OTLP/JSON line, likewise. */
export interface LineRecord {
  readonly record: OtlpJsonLogRecord;
  readonly context: OtlpJsonRecordContext;
  readonly instance: string;
}

/** Every span of one traces line, in order. */
export function spansOfLine(line: string): LineSpan[] {
  const request = JSON.parse(line) as OtlpJsonTracesRequest;
  return request.resourceSpans!.flatMap((rs) => {
    const resource = canonicalResourceFromOtlpJson(rs.resource, rs.schemaUrl);
    return rs.scopeSpans!.flatMap((ss) => {
      const context = { resource, scope: canonicalScopeFromOtlpJson(ss.scope, ss.schemaUrl) };
      return ss.spans!.map((span) => ({ span, context, instance: instanceIdFromOtlpJson(rs.resource) }));
    });
  });
}

/** Every log record of one logs line, in order. */
export function recordsOfLine(line: string): LineRecord[] {
  const request = JSON.parse(line) as OtlpJsonLogsRequest;
  return request.resourceLogs!.flatMap((rl) => {
    const resource = canonicalResourceFromOtlpJson(rl.resource, rl.schemaUrl);
    return rl.scopeLogs!.flatMap((sl) => {
      const context = { resource, scope: canonicalScopeFromOtlpJson(sl.scope, sl.schemaUrl) };
      return sl.logRecords!.map((record) => ({ record, context, instance: instanceIdFromOtlpJson(rl.resource) }));
    });
  });
}
