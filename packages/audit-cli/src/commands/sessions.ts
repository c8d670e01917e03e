// SPDX-License-Identifier: Apache-2.0
import {
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST,
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
import { readTrail, type LogItem, type SpanItem } from "../trail/reader.js";
import { OTLP_STATUS_CODE_ERROR, attributeMap, isoTime, nanosOf, numberAttr, stringAttr, type PlainValue } from "../trail/values.js";
import { parseCommandArgs } from "../usage.js";
import { auditEventOf } from "../trail/audit-event.js";
import { table } from "../format/text.js";
import { addCost, roundUsd } from "../format/cost.js";

export const SESSIONS_HELP = `Usage: langchain-otel-audit sessions [options] [file|dir]...

Lists the sessions (session.id) of a trail, one line each, oldest first: user.id, tenant.id, first and last
time, runs, failed runs, input and output tokens. Counted from the audit records (langchain.run.start / end /
error log records); a session with no audit records in the files is counted from its spans instead
(source "spans"). Repeated deliveries of a record are counted once. Paths default to the current directory.

Options:
  --json            one JSON object per session, one per line
  --progress        report bytes read on stderr every second (default: when stderr is a terminal)
  -h, --help        show this help
`;

interface SessionStats {
  user: string | undefined;
  tenant: string | undefined;
  first: bigint;
  last: bigint;
  starts: number;
  ends: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  /** USD summed over the runs that carry `gen_ai.usage.cost`; undefined when none does. */
  costUsd: number | undefined;
}

function emptyStats(): SessionStats {
  return { user: undefined, tenant: undefined, first: 0n, last: 0n, starts: 0, ends: 0, errors: 0, inputTokens: 0, outputTokens: 0, costUsd: undefined };
}

function statsFor(map: Map<string, SessionStats>, session: string, attributes: Map<string, PlainValue>): SessionStats {
  let stats = map.get(session);
  if (stats === undefined) map.set(session, (stats = emptyStats()));
  stats.user ??= stringAttr(attributes, ATTR_USER_ID);
  stats.tenant ??= stringAttr(attributes, ATTR_TENANT_ID);
  return stats;
}

function widen(stats: SessionStats, from: bigint, to: bigint): void {
  if (from !== 0n && (stats.first === 0n || from < stats.first)) stats.first = from;
  if (to !== 0n && to > stats.last) stats.last = to;
}

/** One session's line, as `--json` prints it. */
export interface SessionRow {
  readonly session: string;
  readonly user: string | null;
  readonly tenant: string | null;
  readonly first: string;
  readonly last: string;
  readonly runs: number;
  readonly errors: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** USD, summed from `gen_ai.usage.cost`; null when no run of the session has a price. */
  readonly costUsd: number | null;
  readonly source: "records" | "spans";
}

export async function sessionsCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, { json: { type: "boolean" }, progress: { type: "boolean" }, "include-unstamped": { type: "boolean" } });
  if (parsed.help) {
    io.stdout.write(SESSIONS_HELP);
    return 0;
  }
  const files = await expandPaths(parsed.positionals.length === 0 ? ["."] : parsed.positionals);
  const fromRecords = new Map<string, SessionStats>();
  const fromSpans = new Map<string, SessionStats>();
  const dedupe = new Deduper(parsed.values["include-unstamped"] === true);
  let malformed = 0;
  const progress = progressFor(files, parsed.values["progress"] === true, io.stderr);

  const onRecord = (item: LogItem): void => {
    const attributes = attributeMap(item.record.attributes);
    const event = auditEventOf(item, attributes);
    if (event !== EVENT_RUN_START && event !== EVENT_RUN_END && event !== EVENT_RUN_ERROR) return;
    const session = stringAttr(attributes, ATTR_SESSION_ID);
    if (session === undefined) return;
    const stats = statsFor(fromRecords, session, attributes);
    const time = nanosOf(item.record.timeUnixNano);
    widen(stats, time, time);
    if (event === EVENT_RUN_START) {
      stats.starts++;
      return;
    }
    if (event === EVENT_RUN_ERROR) stats.errors++;
    else stats.ends++;
    stats.inputTokens += numberAttr(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS) ?? 0;
    stats.outputTokens += numberAttr(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) ?? 0;
    addCost(stats, numberAttr(attributes, ATTR_GEN_AI_USAGE_COST));
  };
  const onSpan = (item: SpanItem): void => {
    const attributes = attributeMap(item.span.attributes);
    const session = stringAttr(attributes, ATTR_SESSION_ID);
    if (session === undefined) return;
    const stats = statsFor(fromSpans, session, attributes);
    widen(stats, nanosOf(item.span.startTimeUnixNano), nanosOf(item.span.endTimeUnixNano));
    stats.starts++;
    if (item.span.status?.code === OTLP_STATUS_CODE_ERROR) stats.errors++;
    stats.inputTokens += numberAttr(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS) ?? 0;
    stats.outputTokens += numberAttr(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) ?? 0;
    addCost(stats, numberAttr(attributes, ATTR_GEN_AI_USAGE_COST));
  };
  await readTrail(
    files,
    {
      item(item) {
        if (!dedupe.isFirst(item)) return;
        if (item.signal === "logs") onRecord(item);
        else onSpan(item);
      },
      malformed() {
        malformed++;
      },
    },
    { progress },
  );

  const rows: SessionRow[] = [];
  for (const session of new Set([...fromRecords.keys(), ...fromSpans.keys()])) {
    const records = fromRecords.get(session);
    const stats = records ?? fromSpans.get(session)!;
    rows.push({
      session,
      user: stats.user ?? null,
      tenant: stats.tenant ?? null,
      first: isoTime(stats.first),
      last: isoTime(stats.last),
      // A run has one start and one end or error record; either side counts it if the other is missing.
      runs: Math.max(stats.starts, stats.ends + stats.errors),
      errors: stats.errors,
      inputTokens: stats.inputTokens,
      outputTokens: stats.outputTokens,
      costUsd: stats.costUsd === undefined ? null : roundUsd(stats.costUsd),
      source: records !== undefined ? "records" : "spans",
    });
  }
  rows.sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.session < b.session ? -1 : 1));

  const out = new LineWriter(io.stdout);
  if (parsed.values["json"] === true) {
    for (const row of rows) await out.line(JSON.stringify(row));
  } else {
    const header = ["SESSION", "USER", "TENANT", "FIRST", "LAST", "RUNS", "ERRORS", "INPUT_TOKENS", "OUTPUT_TOKENS", "COST_USD", "SOURCE"];
    const cells = rows.map((r) => [r.session, r.user ?? "-", r.tenant ?? "-", r.first || "-", r.last || "-", String(r.runs), String(r.errors), String(r.inputTokens), String(r.outputTokens), r.costUsd === null ? "-" : String(r.costUsd), r.source]);
    for (const line of table([header, ...cells])) await out.line(line);
  }
  await out.flush();
  if (malformed > 0) io.stderr.write(`warning: ${malformed} malformed line(s) or record(s) skipped; run verify for details\n`);
  if (dedupe.unstamped > 0) io.stderr.write(unstampedNote(dedupe.unstamped));
  return 0;
}
