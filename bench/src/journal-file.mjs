// SPDX-License-Identifier: Apache-2.0
import { closeSync, openSync, readSync, statSync } from "node:fs";
// The journal's own line tags (format 2), from the build the bench measures.
import { TAG } from "../../packages/node/dist/journal/format.js";

const SPAN = `${TAG.traces}\t`;
const RECORD = `${TAG.logs}\t`;
const WRITTEN = `${TAG.written}\t`;
const RESOURCE = `${TAG.resource}\t`;
const SCOPE = `${TAG.scope}\t`;

/**
 * What a write-ahead journal (packages/node/src/journal/journal.ts) holds from byte `from` to its end: the spans
 * and audit records journaled there (format 2: a line each; format 1: counted in the OTLP/JSON requests of its
 * record lines), its record lines and its "written" marks. The journal is only appended to, so the bytes after an offset are what was journaled since.
 */
export function readJournalItems(file, from = 0) {
  const size = statSync(file).size;
  const bytes = size - from;
  const counted = { bytes, spans: 0, records: 0, recordLines: 0, writtenLines: 0 };
  if (bytes <= 0) return counted;
  const buffer = Buffer.alloc(bytes);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buffer, 0, bytes, from);
  } finally {
    closeSync(fd);
  }
  for (const line of buffer.toString("utf8").split("\n")) {
    if (line === "") continue;
    // Format 2: a line per entry, tab-separated, tagged (R and S: a resource, a scope; T, L: a span, a record; W: a mark).
    const tag = line.slice(0, 2);
    if (tag === SPAN || tag === RECORD) {
      counted.recordLines++;
      counted[tag === SPAN ? "spans" : "records"]++;
      continue;
    }
    if (tag === WRITTEN) {
      counted.writtenLines++;
      continue;
    }
    if (tag === RESOURCE || tag === SCOPE) continue;
    // Format 1: a line per signal and write, an OTLP/JSON request; "written" marks as JSON.
    const entry = JSON.parse(line);
    if (entry.written !== undefined) {
      counted.writtenLines++;
    } else if (entry.signal === "traces") {
      counted.recordLines++;
      for (const rs of entry.request.resourceSpans) for (const ss of rs.scopeSpans) counted.spans += ss.spans.length;
    } else if (entry.signal === "logs") {
      counted.recordLines++;
      for (const rl of entry.request.resourceLogs) for (const sl of rl.scopeLogs) counted.records += sl.logRecords.length;
    }
  }
  return counted;
}
