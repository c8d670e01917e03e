// SPDX-License-Identifier: Apache-2.0
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

/** The directory, inside the spool directory, where each running process says which instance key it holds. */
export const OWNERS_DIR_NAME = "owners";

interface OwnerRecord {
  pid: number;
  hostname: string;
}

/**
 * Which processes own spool files. A process writes `owners/<key>.json` ({pid, hostname}) when it starts spooling
 * and removes it when it closes the spool; a file whose owner is not running is a leftover that the next process
 * to start adopts. One spool directory is meant for processes of one host: an owner file from another host (a
 * container that was replaced, a volume mounted elsewhere) is taken for a leftover.
 */
export class SpoolOwners {
  private readonly _dir: string;
  private readonly _ownKey: string;
  private _registered = false;

  constructor(spoolDir: string, ownKey: string) {
    this._dir = path.join(spoolDir, OWNERS_DIR_NAME);
    this._ownKey = ownKey;
  }

  /** Claims the key of this process. Throws if the directory cannot be written. */
  register(): void {
    mkdirSync(this._dir, { recursive: true });
    const record: OwnerRecord = { pid: process.pid, hostname: hostname() };
    writeFileSync(this._file(this._ownKey), JSON.stringify(record) + "\n");
    this._registered = true;
  }

  /**
   * Whether the files of `key` belong to a process that is running: this one, or another process of this host
   * that registered the key and is still alive. A pid equal to ours under another key is a previous life of a
   * process that always gets the same pid (pid 1 in a container), so it is not alive.
   */
  isAlive(key: string): boolean {
    if (key === this._ownKey) return true;
    let record: Partial<OwnerRecord>;
    try {
      record = JSON.parse(readFileSync(this._file(key), "utf8")) as Partial<OwnerRecord>;
    } catch {
      return false;
    }
    if (typeof record.pid !== "number" || record.hostname !== hostname() || record.pid === process.pid) return false;
    try {
      process.kill(record.pid, 0);
      return true;
    } catch (err) {
      // EPERM: the process exists but belongs to someone else.
      return (err as NodeJS.ErrnoException).code === "EPERM";
    }
  }

  /** Forgets a dead owner whose files were adopted. */
  forget(key: string): void {
    if (key !== this._ownKey) rmSync(this._file(key), { force: true });
  }

  /** Gives this process's key up (at shutdown); files left behind become leftovers for the next start. */
  release(): void {
    if (!this._registered) return;
    this._registered = false;
    rmSync(this._file(this._ownKey), { force: true });
  }

  private _file(key: string): string {
    return path.join(this._dir, `${key}.json`);
  }
}
