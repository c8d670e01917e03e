// SPDX-License-Identifier: Apache-2.0
// What waits in an app's spool directory (packages/node README, "No loss"): one file per batch under traces/ and
// logs/, refused batches under rejected/.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

export interface SpoolContents {
  traces: number;
  logs: number;
  rejected: number;
}

const batchFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith(".json")) : []);

/** The batch files waiting (and refused) in a spool directory. */
export function spoolContents(spoolDir: string): SpoolContents {
  return {
    traces: batchFiles(path.join(spoolDir, "traces")).length,
    logs: batchFiles(path.join(spoolDir, "logs")).length,
    rejected: batchFiles(path.join(spoolDir, "rejected")).length,
  };
}
