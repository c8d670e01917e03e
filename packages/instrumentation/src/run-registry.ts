// SPDX-License-Identifier: Apache-2.0
import type { AttributeValue, Context, Span } from "@opentelemetry/api";
import type { RunInfo } from "./types.js";

/**
 * What the tracker keeps for a run between its start and its end. Only the run tracker writes it (the streaming
 * progress); everyone else sees a {@link RunView}.
 */
export interface RunState {
  readonly span: Span;
  /** The context with this run's span active: the parent context of its children. */
  readonly context: Context;
  /** Replaced (never mutated: hooks keep the object they were given) when the run is reclassified. */
  info: RunInfo;
  /** The root of the run tree this run belongs to (itself for a root). */
  readonly rootRunId: string;
  /** Identity attributes (session, user, ...) that children inherit. */
  readonly inherited: Readonly<Record<string, string>>;
  /** Run identity repeated on every audit record of the run (IDs, type, name, context ids, model). */
  identity: Readonly<Record<string, AttributeValue>>;
  readonly startedAtMillis: number;
  /** When the first streamed chunk arrived (model runs), on the tracker's clock. */
  firstChunkAtMillis: number | undefined;
  /** When the latest streamed chunk arrived. */
  lastChunkAtMillis: number | undefined;
  chunkCount: number;
  /** `langchain.redactions.*` counts of the start, added to the end's on the span. */
  readonly startRedactions: Readonly<Record<string, number>> | undefined;
}

/**
 * Open runs by run ID. Every add has exactly one remove; nothing references a finished run, so
 * a long-lived process keeps only what is running now.
 */
export class RunRegistry {
  private readonly _runs = new Map<string, RunState>();
  private readonly _byRoot = new Map<string, Set<string>>();

  get size(): number {
    return this._runs.size;
  }

  get(runId: string | undefined): RunState | undefined {
    return runId === undefined ? undefined : this._runs.get(runId);
  }

  add(state: RunState): void {
    const runId = state.info.runId;
    this._runs.set(runId, state);
    let tree = this._byRoot.get(state.rootRunId);
    if (tree === undefined) {
      tree = new Set();
      this._byRoot.set(state.rootRunId, tree);
    }
    tree.add(runId);
  }

  remove(runId: string): RunState | undefined {
    const state = this._runs.get(runId);
    if (state === undefined) return undefined;
    this._runs.delete(runId);
    const tree = this._byRoot.get(state.rootRunId);
    if (tree !== undefined) {
      tree.delete(runId);
      if (tree.size === 0) this._byRoot.delete(state.rootRunId);
    }
    return state;
  }

  /** Runs of a tree that are still open, deepest (latest started) first. */
  openInTree(rootRunId: string): RunState[] {
    const tree = this._byRoot.get(rootRunId);
    if (tree === undefined) return [];
    const states: RunState[] = [];
    for (const runId of tree) {
      const state = this._runs.get(runId);
      if (state !== undefined) states.push(state);
    }
    return states.reverse();
  }

  /** Runs started more than `ttlMillis` before `nowMillis`. */
  expired(nowMillis: number, ttlMillis: number): RunState[] {
    const states: RunState[] = [];
    for (const state of this._runs.values()) {
      if (nowMillis - state.startedAtMillis >= ttlMillis) states.push(state);
    }
    return states.reverse();
  }

  all(): RunState[] {
    return [...this._runs.values()].reverse();
  }
}
