// SPDX-License-Identifier: Apache-2.0
import type { LangChainInstrumentation } from "@langchain-otel/instrumentation";
import type { RunExit } from "@langchain-otel/instrumentation/internal";
import type { NodeSDK } from "@opentelemetry/sdk-node";
import { diag } from "./diag.js";
import type { LangChainCorePatch } from "./langchain-core.js";
import type { AuditPipeline } from "./pipeline.js";
import type { Settings } from "./settings.js";
import { ExitHooks } from "./exit.js";
import { boundedShutdown } from "./shutdown.js";
import { zeroCounters } from "./spool/counters.js";
import type { LangChainOtelHandle, LangChainOtelStats } from "./types.js";

// Shared through globalThis so every copy of this package (ESM and CJS loads, nested installs) sees one handle.
const HANDLE_KEY = Symbol.for("@langchain-otel/node.handle");
type HandleHolder = { [HANDLE_KEY]?: LangChainOtelHandle | undefined };

/** The handle of the running distro (started by `@langchain-otel/node/register` or `start()`), if any. */
export function getHandle(): LangChainOtelHandle | undefined {
  return (globalThis as HandleHolder)[HANDLE_KEY];
}

function setHandle(handle: LangChainOtelHandle | undefined): void {
  (globalThis as HandleHolder)[HANDLE_KEY] = handle;
}

/** Makes `handle` the running one (what {@link getHandle} returns) and returns it. */
export function installHandle(handle: LangChainOtelHandle): LangChainOtelHandle {
  setHandle(handle);
  return handle;
}

const settled = Promise.resolve();

const noStats = (): LangChainOtelStats => ({
  ...zeroCounters(),
  queueDroppedSpans: 0,
  queueDroppedLogRecords: 0,
  spilledBatches: 0,
  pendingBatches: 0,
  exitDrainedItems: 0,
  recoveredItems: 0,
});

/** The handle of a disabled start: every method does nothing. */
export function disabledHandle(): LangChainOtelHandle {
  const handle: LangChainOtelHandle = {
    enabled: false,
    exporter: "none",
    auditDir: undefined,
    spoolDir: undefined,
    instrumentation: undefined,
    instanceId: undefined,
    chainId: undefined,
    stats: noStats,
    ready: settled,
    forceFlush: () => settled,
    shutdown: () => {
      if (getHandle() === handle) setHandle(undefined);
      return settled;
    },
  };
  return handle;
}

/** What a running handle drives. */
export interface RunningParts {
  readonly settings: Settings;
  readonly instanceId: string;
  readonly instrumentation: LangChainInstrumentation;
  readonly pipeline: AuditPipeline;
  readonly sdk: NodeSDK;
  readonly langchain: LangChainCorePatch;
}

/** The audit directory when either signal is written to files. */
function auditDirOf(settings: Settings): string | undefined {
  if (settings.traces.kind === "file") return settings.traces.dir;
  return settings.logs.kind === "file" ? settings.logs.dir : undefined;
}

/**
 * The handle of a running start. Its bounded shutdown also runs when the process runs out of work and on a
 * signal; every other ending that still runs JavaScript takes the synchronous exit path (see {@link ExitHooks}).
 */
export function runningHandle(parts: RunningParts): LangChainOtelHandle {
  const { settings, instrumentation, pipeline, sdk, langchain } = parts;
  const awaitCallbacks = async (): Promise<void> => {
    await langchain.ready;
    await Promise.all(langchain.copies.map((copy) => copy.awaitAllCallbacks?.()));
  };

  // How open runs end: RunAbandoned for an explicit shutdown(), else how the process is ending.
  let shutdownExit: RunExit | undefined;
  let drained = false;
  const exitHooks = new ExitHooks({
    drainSync(exit) {
      if (drained) return;
      drained = true;
      try {
        instrumentation.handler.endAllRuns(`the process ended (${exit.reason})`, exit);
      } catch (err) {
        diag.error("ending the open runs on exit failed", err);
      }
      pipeline.drainSync();
      exitHooks.uninstall();
      if (getHandle() === handle) setHandle(undefined);
    },
    shutdown(exit) {
      shutdownExit ??= exit;
      return shutdown();
    },
    flush: () => handle.forceFlush(),
  });
  const shutdown = boundedShutdown(
    [
      // Not a step that waits: from here on, exports to a collector that does not answer are spooled in time.
      { name: "bound export time", run: () => pipeline.beginShutdown() },
      { name: "await LangChain callbacks", run: awaitCallbacks },
      {
        name: "end open runs",
        run: () => instrumentation.handler.endAllRuns(shutdownExit === undefined ? "shutdown" : `the process ended (${shutdownExit.reason})`, shutdownExit),
      },
      { name: "disable instrumentation", run: () => instrumentation.disable() },
      // The last records of every chain (a signed process's seals), after the last run's; flushed with them.
      { name: "final records of each chain", run: () => pipeline.finalRecords() },
      // After "end open runs", so the records of runs ended there are exported too. Not the metrics: the SDK's
      // shutdown collects them once more.
      { name: "flush the export queues", run: () => pipeline.flushProcessors() },
      // Shuts the queues down: each sink gives the spool one bounded attempt to drain.
      { name: "shut down the SDK", run: () => sdk.shutdown() },
      { name: "close the spool and the journal", run: () => pipeline.close() },
      {
        name: "release",
        run: () => {
          drained = true;
          exitHooks.uninstall();
          if (getHandle() === handle) setHandle(undefined);
        },
      },
    ],
    settings.shutdownTimeoutMillis,
  );

  const handle: LangChainOtelHandle = {
    enabled: true,
    exporter: settings.traces.kind,
    auditDir: auditDirOf(settings),
    spoolDir: pipeline.spoolDir,
    instrumentation,
    instanceId: parts.instanceId,
    chainId: pipeline.chainId,
    ready: langchain.ready,
    async forceFlush() {
      try {
        await awaitCallbacks();
        await pipeline.forceFlush();
      } catch (err) {
        diag.error("forceFlush failed", err);
      }
    },
    shutdown,
    stats: () => pipeline.stats(),
  };
  exitHooks.install();
  return handle;
}
