// SPDX-License-Identifier: Apache-2.0
import fs, { mkdtempSync, readdirSync, readlinkSync, rmSync, statSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import os from "node:os";
import path from "node:path";
import { installedVersion } from "../installed.mjs";
import { readJournalItems } from "../journal-file.mjs";

/** The events the distro's exit hooks listen to (packages/node/src/exit.ts). */
const EXIT_EVENTS = ["exit", "uncaughtExceptionMonitor", "beforeExit", "SIGTERM", "SIGINT", "SIGHUP"];

/** A span processor after the audit chain (the app's own, as `start({ spanProcessors })` takes): counts ended spans. */
class CountingSpanProcessor {
  count = 0;
  onStart() {}
  onEnd() {
    this.count++;
  }
  forceFlush = async () => {};
  shutdown = async () => {};
}

/**
 * Counts the `write()` calls on one file descriptor (set later): `fs.writeSync` wrapped, and the wrapper made what
 * ESM named imports of node:fs see (`syncBuiltinESMExports`), before the distro is loaded. Costs one comparison per
 * write. Returns the counter.
 */
function countWrites() {
  const counter = { fd: undefined, writes: 0 };
  const writeSync = fs.writeSync;
  fs.writeSync = function countedWriteSync(fd, ...rest) {
    if (fd === counter.fd) counter.writes++;
    return writeSync.call(this, fd, ...rest);
  };
  syncBuiltinESMExports();
  return counter;
}

/** The descriptor this process has open on `file` (Linux: /proc/self/fd), if any. */
function descriptorOf(file) {
  for (const entry of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${entry}`) === file) return Number(entry);
    } catch {
      // closed meanwhile (the directory listing's own descriptor)
    }
  }
  return undefined;
}

/**
 * Removes the listeners `start()` added for the exit hooks (each event exactly one), so a run-time measurement can
 * compare the distro with and without them; fails loudly if the hooks are not what this bench expects.
 */
function removeExitHooks(before) {
  for (const event of EXIT_EVENTS) {
    const added = process.listeners(event).filter((l) => !before.get(event).includes(l));
    if (added.length !== 1) throw new Error(`expected start() to add one "${event}" listener, found ${added.length}: the exit hooks changed, update bench/src/modes/distro.mjs`);
    process.removeListener(event, added[0]);
  }
}

/**
 * The distro as an app gets it: `start()` of @langchain-otel/node with the default policy (`redacted`) and audit
 * records on, spans and records written to the embedded audit files in a temporary directory of the child.
 * `journal`: `LANGCHAIN_OTEL_JOURNAL=sync` (the journal in that directory too); `exitHooks: false` removes the exit
 * hooks after start, so their run-time cost can be measured (nothing else differs).
 */
function distro({ id, label, journal = false, exitHooks = true, describe, ...rest }) {
  return {
    id,
    label,
    kind: "ours",
    // Writing the audit files (and the journal) on every invoke is slow: a share of the workload's invokes, in the first
    // rounds only, keeps a full bench within a few minutes more.
    sizeScale: { full: 0.125, quick: 0.25 },
    maxRounds: 3,
    ...rest,
    package: "@langchain-otel/node",
    describe: () => `@langchain-otel/node ${installedVersion("@langchain-otel/node")} (workspace build): ${describe}`,
    async setup() {
      const dir = mkdtempSync(path.join(os.tmpdir(), "langchain-otel-bench-"));
      process.env.LANGCHAIN_OTEL_AUDIT_DIR = path.join(dir, "audit");
      if (journal) {
        process.env.LANGCHAIN_OTEL_JOURNAL = "sync";
        process.env.LANGCHAIN_OTEL_JOURNAL_DIR = path.join(dir, "journal");
      }
      const writes = journal && process.platform === "linux" ? countWrites() : undefined;
      const before = new Map(EXIT_EVENTS.map((event) => [event, process.listeners(event)]));
      const { start } = await import("@langchain-otel/node");
      const counter = new CountingSpanProcessor();
      const handle = start({ spanProcessors: [counter] });
      if (!handle.enabled) throw new Error("start() returned a disabled handle");
      await handle.ready;
      if (!exitHooks) removeExitHooks(before);
      // Registered after the distro's own exit listener, so it runs after the exit path has written everything.
      process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

      const journalFile = journal ? path.join(dir, "journal", `${handle.chainId}.journal`) : undefined;
      let windowStart;
      let writesBefore;
      return {
        config: {},
        spanCount: () => counter.count,
        flush: () => handle.forceFlush(),
        markWindow() {
          if (journalFile === undefined) return;
          windowStart = statSync(journalFile).size;
          if (writes !== undefined) writes.fd = descriptorOf(journalFile);
          writesBefore = writes?.writes;
        },
        // What the timed window journaled, counted from the journal's bytes written in it; a journal that did not
        // grow measures nothing, so it fails the run.
        notes() {
          if (journalFile === undefined) return undefined;
          const counted = readJournalItems(journalFile, windowStart);
          if (counted.bytes <= 0 || counted.spans + counted.records === 0) {
            throw new Error(`LANGCHAIN_OTEL_JOURNAL=sync but the journal ${journalFile} did not grow in the timed window (${counted.bytes} bytes)`);
          }
          // write() calls on the journal in the window: what one write per microtask comes to under LangChain.
          if (writes?.fd !== undefined) counted.writes = writes.writes - writesBefore;
          return { journal: counted };
        },
      };
    },
  };
}

export const oursDistro = distro({
  id: "ours-distro",
  label: "ours (distro)",
  describe: "start() with the default policy (redacted), spans and audit records written to the embedded audit files (LANGCHAIN_OTEL_AUDIT_DIR in a temporary directory), journal off (the default)",
});

export const oursJournal = distro({
  id: "ours-journal",
  label: "ours (distro, journal sync)",
  journal: true,
  reference: "ours-distro",
  describe:
    "as ours (distro), with LANGCHAIN_OTEL_JOURNAL=sync (the write-ahead journal in LANGCHAIN_OTEL_JOURNAL_DIR, a temporary directory); " +
    "fs.writeSync wrapped to count the write() calls on the journal",
});

export const oursNoExitHooks = distro({
  id: "ours-distro-no-exit-hooks",
  label: "ours (distro, no exit hooks)",
  exitHooks: false,
  reference: "ours-distro",
  // Nothing the hooks do depends on the workload: measured on the first one.
  firstWorkloadOnly: true,
  describe: "as ours (distro), with the exit hooks' six process listeners removed after start() (bench only: what the hooks cost at run time)",
});
