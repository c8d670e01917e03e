// SPDX-License-Identifier: Apache-2.0
import { rmSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { DEFAULT_FILE_MODES, ensureDirectory, readFileNoFollow, writeNewFileSync, type FileModes } from "../files/private-files.js";

/** The directory, inside the spool directory, where each running process says which instance key it holds. */
export const OWNERS_DIR_NAME = "owners";

/** Which process holds a spool key or a journal: enough to tell, on this host, whether it still runs. */
export interface OwnerRecord {
  pid: number;
  hostname: string;
}

/** This process's owner record. */
export function ownerRecord(): OwnerRecord {
  return { pid: process.pid, hostname: hostname() };
}

/**
 * Whether the process an owner record names is running: another process of this host that is alive. A pid equal to
 * ours is a previous life of a process that always gets the same pid (pid 1 in a container), so it is not alive;
 * a record from another host is taken for a leftover.
 */
export function isOwnerAlive(record: unknown): boolean {
  const { pid, hostname: host } = (record ?? {}) as Partial<OwnerRecord>;
  if (typeof pid !== "number" || host !== hostname() || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
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
  private readonly _modes: FileModes;
  private _registered = false;

  constructor(spoolDir: string, ownKey: string, modes: FileModes = DEFAULT_FILE_MODES) {
    this._dir = path.join(spoolDir, OWNERS_DIR_NAME);
    this._ownKey = ownKey;
    this._modes = modes;
  }

  /** Claims the key of this process. Throws if the directory cannot be written. */
  register(): void {
    ensureDirectory(this._dir, this._modes);
    const file = this._file(this._ownKey);
    rmSync(file, { force: true });
    writeNewFileSync(file, JSON.stringify(ownerRecord()) + "\n", this._modes);
    this._registered = true;
  }

  /**
   * Whether the files of `key` belong to a process that is running: this one, or another process of this host
   * that registered the key and is still alive. A pid equal to ours under another key is a previous life of a
   * process that always gets the same pid (pid 1 in a container), so it is not alive.
   */
  isAlive(key: string): boolean {
    if (key === this._ownKey) return true;
    let record: unknown;
    try {
      record = JSON.parse(readFileNoFollow(this._file(key)));
    } catch {
      return false;
    }
    return isOwnerAlive(record);
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
