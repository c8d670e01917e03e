// SPDX-License-Identifier: Apache-2.0
// What a multi-gateway audit directory and the SIEM file hold, counted incrementally: each poll reads only the
// bytes appended since the last one, so a trail of a hundred thousand items can be watched every half second until
// it is complete. The scale test's gateways each write their own `traces-<gateway>.jsonl` / `logs-<gateway>.jsonl`.
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseRfc5424 } from "./rfc5424.ts";
import { RUN_END, RUN_ERROR, RUN_START, siemParams } from "./runs.ts";

/** Unique keys and all deliveries (repeats included) of one sink. */
export interface SinkTally {
  unique: number;
  found: number;
}

/**
 * Reads the complete lines appended to a file since the last call (a line still being written waits). Followed by
 * inode, not by name: a file the exporter rotated away (renamed to a backup) is read on from where it was.
 */
class LineFollower {
  private offset = 0;
  private pending = Buffer.alloc(0);

  constructor(public file: string) {}

  newLines(): string[] {
    if (!existsSync(this.file)) return [];
    const size = statSync(this.file).size;
    if (size <= this.offset) return [];
    const chunk = Buffer.alloc(size - this.offset);
    const fd = openSync(this.file, "r");
    try {
      readSync(fd, chunk, 0, chunk.length, this.offset);
    } finally {
      closeSync(fd);
    }
    this.offset = size;
    const data = Buffer.concat([this.pending, chunk]);
    const end = data.lastIndexOf(0x0a);
    if (end < 0) {
      this.pending = data;
      return [];
    }
    this.pending = data.subarray(end + 1);
    return data
      .subarray(0, end)
      .toString("utf8")
      .split("\n")
      .filter((line) => line !== "");
  }
}

/** The value of attribute `key` in an OTLP/JSON attribute list, as a string. */
function attribute(attributes: { key: string; value?: { stringValue?: string; intValue?: string | number } }[] | undefined, key: string) {
  const value = attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue === undefined ? undefined : String(value.intValue));
}

class KeySet {
  readonly keys = new Set<string>();
  found = 0;
  add(key: string): void {
    this.keys.add(key);
    this.found++;
  }
  tally(): SinkTally {
    return { unique: this.keys.size, found: this.found };
  }
}

/** The spans, run start / end records and SIEM lines of the services in `services`, counted as the files grow. */
export class TrailTally {
  readonly spans = new KeySet();
  readonly startRecords = new KeySet();
  readonly endRecords = new KeySet();
  readonly siemLines = new KeySet();
  /** Audit lines from a service not in `services`: must stay 0. */
  foreignItems = 0;
  /** By `dev:ino` of the file. */
  private readonly followers = new Map<string, LineFollower>();
  private readonly siem: LineFollower;

  constructor(
    private readonly auditDir: string,
    siemFile: string,
    private readonly services: ReadonlySet<string>,
  ) {
    this.siem = new LineFollower(siemFile);
  }

  /** The audit files the gateways have written so far (rotated backups included). */
  auditFiles(): string[] {
    if (!existsSync(this.auditDir)) return [];
    return readdirSync(this.auditDir)
      .filter((name) => name.endsWith(".jsonl"))
      .sort()
      .map((name) => path.join(this.auditDir, name));
  }

  /** Reads what was appended since the last call. */
  poll(): void {
    for (const file of this.auditFiles()) {
      let id: string;
      try {
        const { dev, ino } = statSync(file);
        id = `${dev}:${ino}`;
      } catch {
        continue; // renamed by a rotation since the listing: found under its new name next time
      }
      let follower = this.followers.get(id);
      if (follower === undefined) this.followers.set(id, (follower = new LineFollower(file)));
      follower.file = file;
      for (const line of follower.newLines()) this.addAuditLine(line);
    }
    for (const line of this.siem.newLines()) {
      const message = parseRfc5424(line);
      if (!this.services.has(message.appName)) continue;
      const params = siemParams(message);
      this.siemLines.add(`${params["langchain.run_id"]} ${params["event.name"]}`);
    }
  }

  private addAuditLine(line: string): void {
    const request = JSON.parse(line);
    for (const rs of request.resourceSpans ?? []) {
      const service = attribute(rs.resource?.attributes, "service.name") ?? "";
      for (const ss of rs.scopeSpans ?? []) {
        for (const span of ss.spans ?? []) {
          if (this.services.has(service)) this.spans.add(`${span.traceId} ${span.spanId}`);
          else this.foreignItems++;
        }
      }
    }
    for (const rl of request.resourceLogs ?? []) {
      const service = attribute(rl.resource?.attributes, "service.name") ?? "";
      for (const sl of rl.scopeLogs ?? []) {
        for (const record of sl.logRecords ?? []) {
          if (!this.services.has(service)) {
            this.foreignItems++;
            continue;
          }
          const event = attribute(record.attributes, "event.name");
          const key = `${attribute(record.attributes, "langchain.run_id")} ${event}`;
          if (event === RUN_START) this.startRecords.add(key);
          else if (event === RUN_END || event === RUN_ERROR) this.endRecords.add(key);
          else this.foreignItems++;
        }
      }
    }
  }

  /** Unique and found counts of every sink, for a log line or an assertion. */
  snapshot(): { spans: SinkTally; startRecords: SinkTally; endRecords: SinkTally; siemLines: SinkTally; foreignItems: number } {
    return {
      spans: this.spans.tally(),
      startRecords: this.startRecords.tally(),
      endRecords: this.endRecords.tally(),
      siemLines: this.siemLines.tally(),
      foreignItems: this.foreignItems,
    };
  }
}
