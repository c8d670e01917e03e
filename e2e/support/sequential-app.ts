// SPDX-License-Identifier: Apache-2.0
// Drives e2e/fixtures/src/sequential-chains.mjs (or its CommonJS twin, .cjs): N small chains (a root run and a nested lambda each), reported
// one JSON line per run, then a summary with the process's service.instance.id and export counters.
import path from "node:path";
import { REPO_ROOT } from "../../collector-config/scripts/stack.mjs";
import { type NodeRun, runNode } from "./child.ts";

export const FIXTURES_DIR = path.join(REPO_ROOT, "e2e", "fixtures");
/** Each run is a chain and its nested lambda: two spans, two start and two end records. */
export const SPANS_PER_SEQUENTIAL_RUN = 2;

/** `handle.stats()` of the distro (packages/node README, "No loss"). */
export interface ExportStats {
  spooledBatches: number;
  replayedBatches: number;
  rejectedBatches: number;
  droppedItems: number;
  queueDroppedSpans: number;
  queueDroppedLogRecords: number;
}

export interface SequentialRun {
  process: NodeRun;
  /** Root run ID by index, in the order the app reported them. */
  runIds: string[];
  /** Milliseconds the runs took, in the app. */
  loopMillis: number;
  /** Epoch milliseconds at which the app's last run had returned (its own clock, which is this machine's). */
  loopDoneAtEpochMillis: number;
  shutdownMillis: number;
  /** The app's `service.instance.id`. */
  instanceId: string | undefined;
  stats: ExportStats | undefined;
}

export interface SequentialRunOptions {
  runs: number;
  /** Pause between runs (0 still yields one turn of the event loop). */
  gapMillis: number;
  /** How long the app stays up after its last run before it shuts down, as a server would. @default 0 */
  lingerMillis?: number;
  /** The environment (see `otlpAppEnv`); E2E_* are set from the options above. */
  env: NodeJS.ProcessEnv;
  timeoutMillis: number;
  /** Called as each run is reported, with the milliseconds since spawn. */
  onRun?: (index: number, runId: string, sinceSpawnMillis: number) => void;
  /**
   * `esm`: `node --import …/register src/sequential-chains.mjs`; `cjs`: `node --require …/register
   * src/sequential-chains.cjs` (LangChain's CommonJS build, patched through the require hook).
   * @default "esm"
   */
  moduleKind?: "esm" | "cjs";
}

/** Runs the sequential-chains app under the register flag; resolves when it has exited. */
export async function runSequentialChains(options: SequentialRunOptions): Promise<SequentialRun> {
  const runIds: string[] = [];
  const result = {
    loopMillis: Number.NaN,
    loopDoneAtEpochMillis: Number.NaN,
    shutdownMillis: Number.NaN,
    instanceId: undefined as string | undefined,
    stats: undefined as ExportStats | undefined,
  };
  const spawnedAt = performance.now();
  const entry =
    options.moduleKind === "cjs"
      ? ["--require", "@langchain-otel/node/register", "src/sequential-chains.cjs"]
      : ["--import", "@langchain-otel/node/register", "src/sequential-chains.mjs"];
  const child = await runNode(entry, {
    cwd: FIXTURES_DIR,
    env: {
      ...options.env,
      E2E_RUNS: String(options.runs),
      E2E_GAP_MILLIS: String(options.gapMillis),
      E2E_LINGER_MILLIS: String(options.lingerMillis ?? 0),
    },
    timeoutMillis: options.timeoutMillis,
    onLine(line) {
      let event;
      try {
        event = JSON.parse(line);
      } catch {
        return; // not one of the app's report lines
      }
      if (event.done) {
        Object.assign(result, { shutdownMillis: event.shutdownMillis, instanceId: event.instanceId, stats: event.stats });
      } else if (event.loopDone) {
        Object.assign(result, { loopMillis: event.loopMillis, loopDoneAtEpochMillis: event.atEpochMillis });
      } else if (typeof event.index === "number") {
        runIds[event.index] = event.runId;
        options.onRun?.(event.index, event.runId, performance.now() - spawnedAt);
      }
    },
  });
  return { process: child, runIds, ...result };
}
