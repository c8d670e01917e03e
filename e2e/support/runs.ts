// SPDX-License-Identifier: Apache-2.0
import type { FileLogRecord, FileSpan } from "./otlp-files.ts";
import type { SyslogMessage } from "./rfc5424.ts";

export const RUN_START = "langchain.run.start";
export const RUN_END = "langchain.run.end";
export const RUN_ERROR = "langchain.run.error";
/** The SD-ID of the audit element in SIEM lines (collector-config/otelcol.yaml, transform/siem). */
export const SIEM_SD_ID = "langchain@32473";

/** The run ID a span carries, or undefined for a span that is not a LangChain run (an HTTP request span, say). */
export function runIdOf(span: FileSpan): string | undefined {
  const id = span.attributes["langchain.run_id"];
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** The parent run ID a run span carries; undefined for a root run. */
export function parentRunIdOf(span: FileSpan): string | undefined {
  const id = span.attributes["langchain.parent_run_id"];
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** Run ID → its span, for the spans that are LangChain runs. */
export function runSpans(spans: FileSpan[]): Map<string, FileSpan> {
  const runs = new Map<string, FileSpan>();
  for (const span of spans) {
    const id = runIdOf(span);
    if (id !== undefined) runs.set(id, span);
  }
  return runs;
}

/** The audit records of one run, by event name. */
export function recordsOfRun(records: FileLogRecord[], runId: string): { start: FileLogRecord[]; end: FileLogRecord[] } {
  const mine = records.filter((r) => r.attributes["langchain.run_id"] === runId);
  return {
    start: mine.filter((r) => r.attributes["event.name"] === RUN_START),
    end: mine.filter((r) => r.attributes["event.name"] === RUN_END || r.attributes["event.name"] === RUN_ERROR),
  };
}

/** The audit SD element of a SIEM line (empty when it has none). */
export function siemParams(message: SyslogMessage): Record<string, string> {
  return message.structuredData.get(SIEM_SD_ID) ?? {};
}

/** The SIEM lines of one run, by event name (matched on the SD params `langchain.run_id` and `event.name`). */
export function siemLinesOfRun(messages: SyslogMessage[], runId: string): { start: SyslogMessage[]; end: SyslogMessage[] } {
  const mine = messages.filter((m) => siemParams(m)["langchain.run_id"] === runId);
  return {
    start: mine.filter((m) => siemParams(m)["event.name"] === RUN_START),
    end: mine.filter((m) => siemParams(m)["event.name"] === RUN_END || siemParams(m)["event.name"] === RUN_ERROR),
  };
}
