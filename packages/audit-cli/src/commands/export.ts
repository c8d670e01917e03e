// SPDX-License-Identifier: Apache-2.0
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_LANGCHAIN_DURATION_MS,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_NAME,
  ATTR_LANGCHAIN_RUN_TYPE,
  ATTR_LANGCHAIN_STATUS,
  ATTR_SESSION_ID,
  ATTR_TENANT_ID,
  ATTR_USER_ID,
  EVENT_RUN_END,
  EVENT_RUN_ERROR,
  EVENT_RUN_START,
} from "@langchain-otel/instrumentation/semconv";
import { LineWriter, type CommandIo } from "../output.js";
import { Deduper, unstampedNote } from "../trail/dedupe.js";
import { expandPaths } from "../trail/paths.js";
import { progressFor } from "../trail/progress.js";
import { readTrail, type LogItem } from "../trail/reader.js";
import { attributeMap, auditSeqOf, isoTime, nanosOf, numberAttr, stringAttr } from "../trail/values.js";
import { UsageError, parseCommandArgs } from "../usage.js";
import { auditEventOf } from "../trail/audit-event.js";
import { csvRecord } from "../format/csv.js";

export const EXPORT_HELP = `Usage: langchain-otel-audit export [options] [file|dir]...

Writes one flat event per audit record (langchain.run.start / end / error) to stdout, for SIEM ingestion, in
file order, repeated deliveries once, records without audit fields left out. It does not verify: run verify
(with --public-key) on the same files first. Fields: ${"time, event, instance, seq, trace_id, span_id, run_id, parent_run_id, run_type, run_name, session, user, tenant, model, status, error_type, duration_ms, input_tokens, output_tokens"}.
time is ISO 8601 UTC to the millisecond; a field the record does not have is null (NDJSON) or empty (CSV).
Paths default to the current directory.

Options:
  --format <f>      ndjson (default): one JSON object per line; csv: a header line, then RFC 4180 records (CRLF)
  --include-unstamped  also export records without audit.seq / audit.hash (left out by default: they belong to
                    no chain, so nothing vouches for them; their seq field is empty)
  --progress        report bytes read on stderr every second (default: when stderr is a terminal)
  -h, --help        show this help
`;

/** The columns of an exported event, in order. */
export const EXPORT_FIELDS = [
  "time",
  "event",
  "instance",
  "seq",
  "trace_id",
  "span_id",
  "run_id",
  "parent_run_id",
  "run_type",
  "run_name",
  "session",
  "user",
  "tenant",
  "model",
  "status",
  "error_type",
  "duration_ms",
  "input_tokens",
  "output_tokens",
] as const;

type ExportEvent = Record<(typeof EXPORT_FIELDS)[number], string | number | null>;

function flatEvent(item: LogItem, event: string, attributes: ReturnType<typeof attributeMap>): ExportEvent {
  const r = item.record;
  const time = nanosOf(r.timeUnixNano) || nanosOf(r.observedTimeUnixNano);
  return {
    time: isoTime(time) || null,
    event,
    instance: item.instance,
    seq: auditSeqOf(r.attributes) ?? null,
    trace_id: typeof r.traceId === "string" && r.traceId !== "" ? r.traceId : null,
    span_id: typeof r.spanId === "string" && r.spanId !== "" ? r.spanId : null,
    run_id: stringAttr(attributes, ATTR_LANGCHAIN_RUN_ID) ?? null,
    parent_run_id: stringAttr(attributes, ATTR_LANGCHAIN_PARENT_RUN_ID) ?? null,
    run_type: stringAttr(attributes, ATTR_LANGCHAIN_RUN_TYPE) ?? null,
    run_name: stringAttr(attributes, ATTR_LANGCHAIN_RUN_NAME) ?? null,
    session: stringAttr(attributes, ATTR_SESSION_ID) ?? null,
    user: stringAttr(attributes, ATTR_USER_ID) ?? null,
    tenant: stringAttr(attributes, ATTR_TENANT_ID) ?? null,
    model: stringAttr(attributes, ATTR_GEN_AI_REQUEST_MODEL) ?? null,
    status: stringAttr(attributes, ATTR_LANGCHAIN_STATUS) ?? null,
    error_type: stringAttr(attributes, ATTR_ERROR_TYPE) ?? null,
    duration_ms: numberAttr(attributes, ATTR_LANGCHAIN_DURATION_MS) ?? null,
    input_tokens: numberAttr(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS) ?? null,
    output_tokens: numberAttr(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) ?? null,
  };
}

export async function exportCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, { format: { type: "string" }, progress: { type: "boolean" }, "include-unstamped": { type: "boolean" } });
  if (parsed.help) {
    io.stdout.write(EXPORT_HELP);
    return 0;
  }
  const format = parsed.values["format"] ?? "ndjson";
  if (format !== "ndjson" && format !== "csv") throw new UsageError(`--format must be ndjson or csv, got ${JSON.stringify(format)}`);
  const files = await expandPaths(parsed.positionals.length === 0 ? ["."] : parsed.positionals);
  const dedupe = new Deduper(parsed.values["include-unstamped"] === true);
  const progress = progressFor(files, parsed.values["progress"] === true, io.stderr);
  let malformed = 0;

  // Events are produced synchronously while a chunk is read, and written (awaiting the pipe) after it.
  const out = new LineWriter(io.stdout);
  const queued: string[] = [];
  if (format === "csv") queued.push(csvRecord(EXPORT_FIELDS));
  await readTrail(
    files,
    {
      item(item) {
        if (item.signal !== "logs" || !dedupe.isFirst(item)) return;
        const attributes = attributeMap(item.record.attributes);
        const event = auditEventOf(item, attributes);
        if (event !== EVENT_RUN_START && event !== EVENT_RUN_END && event !== EVENT_RUN_ERROR) return;
        const flat = flatEvent(item, event, attributes);
        queued.push(format === "csv" ? csvRecord(EXPORT_FIELDS.map((f) => (flat[f] === null ? "" : String(flat[f])))) : JSON.stringify(flat) + "\n");
      },
      malformed() {
        malformed++;
      },
    },
    {
      progress,
      afterChunk: async () => {
        for (const text of queued.splice(0)) await out.write(text);
      },
    },
  );
  for (const text of queued.splice(0)) await out.write(text);
  await out.flush();
  if (malformed > 0) io.stderr.write(`warning: ${malformed} malformed line(s) or record(s) skipped; run verify for details\n`);
  if (dedupe.unstamped > 0) io.stderr.write(unstampedNote(dedupe.unstamped));
  return 0;
}
