// SPDX-License-Identifier: Apache-2.0
import { closeSync, openSync, readSync, statSync } from "node:fs";

/**
 * What a write-ahead journal (packages/node/src/journal/journal.ts) holds from byte `from` to its end: the spans
 * and audit records journaled there (counted in the OTLP/JSON requests of its record lines), its record lines and
 * its "written" marks. The journal is only appended to, so the bytes after an offset are what was journaled since.
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
