// SPDX-License-Identifier: Apache-2.0
import {
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_NAME,
  ATTR_LANGCHAIN_RUN_TYPE,
  EVENT_RUN_END,
  EVENT_RUN_ERROR,
  EVENT_RUN_START,
} from "@langchain-otel/instrumentation/semconv";
import { auditEventOf } from "../trail/audit-event.js";
import type { LogItem, Location } from "../trail/reader.js";
import { attributeMap, stringAttr } from "../trail/values.js";

/** A `langchain.run.start` record with no end or error record for its run. */
export interface UnmatchedStart {
  readonly runId: string;
  readonly runName: string | null;
  readonly runType: string | null;
  readonly instance: string;
  readonly file: string;
  readonly line: number;
}

interface OpenRun {
  readonly runName: string | undefined;
  readonly runType: string | undefined;
  readonly instance: string;
  readonly location: Location;
}

/**
 * The runs a trail opened and did not close: pairs each `langchain.run.start` record with its end or error record. Holds only the runs still open (deleted on end or error) and the ends that
 * came before their start (a reordered batch), so memory follows the runs in flight, not the trail.
 */
export class OpenRuns {
  private readonly _open = new Map<string, OpenRun>();
  private readonly _endedBeforeStart = new Set<string>();

  add(item: LogItem): void {
    const attributes = attributeMap(item.record.attributes);
    const event = auditEventOf(item, attributes);
    if (event !== EVENT_RUN_START && event !== EVENT_RUN_END && event !== EVENT_RUN_ERROR) return;
    const runId = stringAttr(attributes, ATTR_LANGCHAIN_RUN_ID);
    if (runId === undefined) return;
    if (event === EVENT_RUN_START) {
      if (this._endedBeforeStart.delete(runId)) return;
      this._open.set(runId, {
        runName: stringAttr(attributes, ATTR_LANGCHAIN_RUN_NAME),
        runType: stringAttr(attributes, ATTR_LANGCHAIN_RUN_TYPE),
        instance: item.instance,
        location: item.location,
      });
    } else if (!this._open.delete(runId)) {
      this._endedBeforeStart.add(runId);
    }
  }

  /** Starts never ended, in the order they were read. */
  unmatchedStarts(): UnmatchedStart[] {
    return [...this._open].map(([runId, run]) => ({
      runId,
      runName: run.runName ?? null,
      runType: run.runType ?? null,
      instance: run.instance,
      file: run.location.file,
      line: run.location.line,
    }));
  }

  /** End or error records whose start was not read (it may be in a file not given, or rotated away). */
  get endsWithoutStart(): number {
    return this._endedBeforeStart.size;
  }
}
