import type { LogItem, Location } from "../trail/reader.js";
import { attributeMap, stringAttr } from "../trail/values.js";

export const EVENT_RUN_START = "langchain.run.start";
export const EVENT_RUN_END = "langchain.run.end";
export const EVENT_RUN_ERROR = "langchain.run.error";

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

/** The audit event of a record: its `event.name` attribute, else its `eventName` field. */
export function auditEventOf(item: LogItem, attributes = attributeMap(item.record.attributes)): string | undefined {
  const name = stringAttr(attributes, "event.name");
  if (name !== undefined) return name;
  return typeof item.record.eventName === "string" && item.record.eventName !== "" ? item.record.eventName : undefined;
}

/**
 * Pairs run starts with their ends. Holds only the runs still open (deleted on end or error) and the ends that
 * came before their start (a reordered batch), so memory follows the runs in flight, not the trail.
 */
export class RunTracker {
  private readonly _open = new Map<string, OpenRun>();
  private readonly _endedBeforeStart = new Set<string>();

  add(item: LogItem): void {
    const attributes = attributeMap(item.record.attributes);
    const event = auditEventOf(item, attributes);
    if (event !== EVENT_RUN_START && event !== EVENT_RUN_END && event !== EVENT_RUN_ERROR) return;
    const runId = stringAttr(attributes, "langchain.run_id");
    if (runId === undefined) return;
    if (event === EVENT_RUN_START) {
      if (this._endedBeforeStart.delete(runId)) return;
      this._open.set(runId, {
        runName: stringAttr(attributes, "langchain.run_name"),
        runType: stringAttr(attributes, "langchain.run_type"),
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
