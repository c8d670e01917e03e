// SPDX-License-Identifier: Apache-2.0
import { lstatSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { diag } from "../diag.js";
import { DEFAULT_FILE_MODES, ensureDirectory, readFileNoFollow, writeNewFileSync, type FileModes } from "../files/private-files.js";
import type { SpoolBudget } from "./budget.js";
import { syncDirectory, writeFileDurably } from "./durable-write.js";
import type { SpoolOwners } from "./owners.js";

/** The signals that are spooled, each in its own directory (and POSTed to its own OTLP path). */
export type SpoolSignal = "traces" | "logs";

/** The directory, inside the spool directory, that files the collector refused for good are moved to. */
export const REJECTED_DIR_NAME = "rejected";

const SEQ_DIGITS = 16;
const FILE_NAME = /^(\d+)-(.+)\.json$/;
const TEMP_FILE_NAME = /^(\d+)-(.+)\.json\.tmp$/;

/** One batch waiting on disk. */
export interface SpoolFile {
  /** File name: `<zero-padded sequence>-<instance key>.json`. */
  readonly name: string;
  readonly path: string;
  readonly seq: number;
  readonly bytes: number;
}

/**
 * The part of a `service.instance.id` that goes into file names: characters other than letters, digits, `.`, `_`
 * and `-` become `_`, at most 100 of them.
 */
export function spoolKey(instanceId: string): string {
  const key = instanceId.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 100);
  return key === "" || key === "." || key === ".." ? "instance" : key;
}

const fileName = (seq: number, key: string): string => `${String(seq).padStart(SEQ_DIGITS, "0")}-${key}.json`;
const byAge = (a: { seq: number; name: string }, b: { seq: number; name: string }): number =>
  a.seq - b.seq || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export interface SpoolDirectoryOptions {
  /** The spool directory; this signal's files live in `<spoolDir>/<signal>/`. */
  spoolDir: string;
  signal: SpoolSignal;
  /** {@link spoolKey} of this process's instance ID. */
  key: string;
  budget: SpoolBudget;
  owners: SpoolOwners;
  /** Permissions of what is created. */
  modes?: FileModes;
}

/**
 * The batches of one signal waiting on disk, oldest first: one file per batch, each holding exactly the OTLP/JSON
 * request body for the collector. The sequence in a file name is monotonic across restarts (a new process starts
 * after the highest one it finds), so file names sort in the order the batches were exported.
 *
 * At construction (synchronously, at startup) it adopts the leftovers of processes that are no longer running:
 * their files are renamed to this process's key, keeping their order, so exactly one process replays each of
 * them. Files of live processes sharing the directory are left alone.
 */
export class SpoolDirectory {
  readonly signal: SpoolSignal;
  /** `<spoolDir>/<signal>`. */
  readonly dir: string;
  private readonly _rejectedDir: string;
  private readonly _key: string;
  private readonly _budget: SpoolBudget;
  private readonly _modes: FileModes;
  private readonly _files: SpoolFile[] = [];
  private _nextSeq = 1;
  private _writing = 0;
  private _adopted = 0;

  /** Creates the directory if missing and adopts leftovers; throws if the directory cannot be created. */
  constructor(options: SpoolDirectoryOptions) {
    this.signal = options.signal;
    this.dir = path.join(options.spoolDir, options.signal);
    this._rejectedDir = path.join(options.spoolDir, REJECTED_DIR_NAME);
    this._key = options.key;
    this._budget = options.budget;
    this._modes = options.modes ?? DEFAULT_FILE_MODES;
    ensureDirectory(this.dir, this._modes);
    this._adoptLeftovers(options.owners);
  }

  /** True when no batch is waiting or being written: a new batch may then go straight to the collector. */
  get isEmpty(): boolean {
    return this._files.length === 0 && this._writing === 0;
  }

  /** Batches waiting. */
  get pendingCount(): number {
    return this._files.length;
  }

  /** How many waiting batches were left by earlier processes and adopted at startup. */
  get adoptedCount(): number {
    return this._adopted;
  }

  /** The oldest waiting batch. */
  oldest(): SpoolFile | undefined {
    return this._files[0];
  }

  /**
   * Writes a batch durably as the newest file (see {@link writeFileDurably}). The caller has reserved `bytes`
   * in the budget; on failure the error is thrown and the reservation is the caller's to release.
   */
  async write(body: string, bytes: number): Promise<SpoolFile> {
    const seq = this._nextSeq++;
    const name = fileName(seq, this._key);
    const file = path.join(this.dir, name);
    this._writing++;
    try {
      try {
        await writeFileDurably(file, body, this._modes);
      } catch (err) {
        // The directory was removed while the app ran (tmp reaping, cleanup): recreate it once.
        if ((err as NodeJS.ErrnoException | undefined)?.code !== "ENOENT") throw err;
        ensureDirectory(this.dir, this._modes);
        await writeFileDurably(file, body, this._modes);
      }
    } finally {
      this._writing--;
    }
    const entry: SpoolFile = { name, path: file, seq, bytes };
    this._files.push(entry);
    return entry;
  }

  /**
   * Writes a batch as the newest file at once, for paths that cannot wait (the exit path, a full export queue):
   * not fsync'd, so it survives the process ending, not a power loss in the same moment. Same budget rule as
   * {@link write}.
   */
  writeSync(body: string, bytes: number): SpoolFile {
    const seq = this._nextSeq++;
    const name = fileName(seq, this._key);
    const file = path.join(this.dir, name);
    try {
      writeNewFileSync(file, body, this._modes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException | undefined)?.code !== "ENOENT") throw err;
      ensureDirectory(this.dir, this._modes);
      writeNewFileSync(file, body, this._modes);
    }
    const entry: SpoolFile = { name, path: file, seq, bytes };
    this._files.push(entry);
    return entry;
  }

  /** The request body of a waiting batch, read without following a symbolic link. Throws ENOENT if the file is gone. */
  readBody(file: SpoolFile): string {
    return readFileNoFollow(file.path);
  }

  /** Deletes a delivered batch. */
  async remove(file: SpoolFile): Promise<void> {
    await rm(file.path, { force: true });
    this._drop(file);
  }

  /**
   * Moves a batch the collector refused for good to `<spoolDir>/rejected/<signal>-<name>`, where it stays for a
   * person to look at; returns its new path.
   */
  async reject(file: SpoolFile): Promise<string> {
    const target = path.join(this._rejectedDir, `${this.signal}-${file.name}`);
    ensureDirectory(this._rejectedDir, this._modes);
    await rename(file.path, target);
    await syncDirectory(this._rejectedDir);
    this._drop(file);
    return target;
  }

  /**
   * Keeps a batch the collector refused for good when it was first sent (never spooled) in
   * `<spoolDir>/rejected/<signal>-<name>`; returns that path.
   */
  storeRejected(body: string): string {
    const target = path.join(this._rejectedDir, `${this.signal}-${fileName(this._nextSeq++, this._key)}`);
    ensureDirectory(this._rejectedDir, this._modes);
    writeNewFileSync(target, body, this._modes);
    return target;
  }

  /** Forgets a batch whose file disappeared (removed by hand, or taken by another process). */
  forget(file: SpoolFile): void {
    this._drop(file);
  }

  private _drop(file: SpoolFile): void {
    const index = this._files.indexOf(file);
    if (index < 0) return;
    this._files.splice(index, 1);
    this._budget.release(file.bytes);
  }

  private _adoptLeftovers(owners: SpoolOwners): void {
    interface Found {
      name: string;
      seq: number;
      key: string;
      temp: boolean;
    }
    const found: Found[] = [];
    let maxSeq = 0;
    for (const name of readdirSync(this.dir)) {
      const temp = TEMP_FILE_NAME.exec(name);
      const match = temp ?? FILE_NAME.exec(name);
      if (match === null) continue;
      const seq = Number(match[1]);
      if (!Number.isSafeInteger(seq)) continue;
      maxSeq = Math.max(maxSeq, seq);
      found.push({ name, seq, key: match[2]!, temp: temp !== null });
    }
    this._nextSeq = maxSeq + 1;
    const deadKeys = new Set<string>();
    const leftovers = found.filter((f) => {
      // Ours from a previous life (a fixed service.instance.id), or a dead process's.
      if (f.key !== this._key && owners.isAlive(f.key)) return false;
      if (f.key !== this._key) deadKeys.add(f.key);
      return true;
    });
    leftovers.sort(byAge);
    for (const leftover of leftovers) this._adopt(leftover.name, leftover.temp);
    for (const key of deadKeys) owners.forget(key);
  }

  /** Renames a leftover to the next sequence number under this process's key; a temporary file only if complete. */
  private _adopt(name: string, temp: boolean): void {
    const from = path.join(this.dir, name);
    try {
      if (lstatSync(from).isSymbolicLink()) {
        rmSync(from, { force: true });
        diag.error(`removed ${from}: a symbolic link in the spool is never followed (it could send another file to the collector)`);
        return;
      }
      if (temp && !isCompleteJson(from)) {
        rmSync(from, { force: true });
        diag.warn(`removed ${from}: a batch whose write was cut short by a crash (it had not been acknowledged)`);
        return;
      }
      const seq = this._nextSeq++;
      const target = fileName(seq, this._key);
      renameSync(from, path.join(this.dir, target));
      const bytes = statSync(path.join(this.dir, target)).size;
      this._files.push({ name: target, path: path.join(this.dir, target), seq, bytes });
      this._budget.add(bytes);
      this._adopted++;
    } catch (err) {
      // ENOENT: another process starting at the same time adopted it first.
      if ((err as NodeJS.ErrnoException | undefined)?.code !== "ENOENT") diag.error(`could not adopt the spool file ${from}`, err);
    }
  }
}

function isCompleteJson(file: string): boolean {
  try {
    JSON.parse(readFileNoFollow(file));
    return true;
  } catch {
    return false;
  }
}
