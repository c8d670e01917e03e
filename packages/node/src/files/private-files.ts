// SPDX-License-Identifier: Apache-2.0
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from "node:fs";
import path from "node:path";

/**
 * The permissions of what the distro creates: audit files, spool files, journals and their directories. Set
 * exactly, whatever the process's umask, on what is created (an existing file or directory keeps its own).
 */
export interface FileModes {
  /** Files: 0o600 by default (the owner reads and writes, nobody else anything). */
  readonly file: number;
  /** Directories: the file mode with search (x) added wherever read is granted, owner always rwx; 0o700 by default. */
  readonly dir: number;
}

export const DEFAULT_FILE_MODE = 0o600;

/** The modes for a file mode: directories get search permission wherever the file mode grants read. */
export function fileModes(file: number = DEFAULT_FILE_MODE): FileModes {
  const search = ((file & 0o444) >> 2) & 0o111;
  return { file, dir: file | search | 0o700 };
}

export const DEFAULT_FILE_MODES: FileModes = fileModes();

/** Thrown instead of ELOOP when a path the distro writes or reads is a symbolic link. */
export class SymlinkRefusedError extends Error {
  override readonly name = "SymlinkRefusedError";
  readonly code = "ELOOP";
}

function refuseLinks<T>(file: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code === "ELOOP") {
      throw new SymlinkRefusedError(
        `${file} is a symbolic link; it is not followed (it could point the audit trail anywhere): remove it, or point the setting at the real path`,
      );
    }
    throw err;
  }
}

/**
 * Creates `dir` and its missing parents, each created one with exactly `modes.dir` (umask or not). Returns the
 * directories it created, outermost first.
 */
export function ensureDirectory(dir: string, modes: FileModes = DEFAULT_FILE_MODES): string[] {
  const first = mkdirSync(dir, { recursive: true, mode: modes.dir });
  if (first === undefined) return [];
  const created: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    created.unshift(d);
    if (d === path.resolve(first) || path.dirname(d) === d) break;
  }
  for (const d of created) {
    try {
      // chmod, not the mkdir mode alone: the umask may have taken bits away.
      const fd = openSync(d, constants.O_RDONLY | constants.O_DIRECTORY);
      try {
        fchmodSync(fd, modes.dir);
      } finally {
        closeSync(fd);
      }
    } catch {
      // Raced with a removal: the next write will say so.
    }
  }
  return created;
}

/**
 * Opens `file` for appending without following a symbolic link (O_NOFOLLOW); a file it creates gets exactly
 * `modes.file`. Returns the descriptor.
 *
 * @throws {SymlinkRefusedError} when `file` is a symbolic link; the fs error otherwise.
 */
export function openForAppend(file: string, modes: FileModes = DEFAULT_FILE_MODES): number {
  // Read and write: the appender reads the last byte to keep lines apart.
  const flags = constants.O_RDWR | constants.O_APPEND | constants.O_NOFOLLOW;
  return refuseLinks(file, () => {
    try {
      const fd = openSync(file, flags | constants.O_CREAT | constants.O_EXCL, modes.file);
      fchmodSync(fd, modes.file);
      return fd;
    } catch (err) {
      if ((err as NodeJS.ErrnoException | undefined)?.code !== "EEXIST") throw err;
      return openSync(file, flags);
    }
  });
}

/** Writes all of `data` at the descriptor's position (a write may take only part of it). */
export function writeAll(fd: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += writeSync(fd, data, written, data.length - written);
}

/**
 * Writes `data` as the new file `file`, never through a symbolic link and never over an existing file: written to
 * `<file>.tmp` (created exclusively, exactly `modes.file`), then renamed, so a reader never sees a partial `file`.
 * Not fsync'd: it survives the process ending at once (the exit path's promise), not a power loss.
 *
 * @throws the fs error; the temporary file is removed.
 */
export function writeNewFileSync(file: string, data: string, modes: FileModes = DEFAULT_FILE_MODES): void {
  const temp = file + ".tmp";
  try {
    const fd = refuseLinks(temp, () =>
      openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, modes.file),
    );
    try {
      fchmodSync(fd, modes.file);
      writeAll(fd, Buffer.from(data, "utf8"));
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/**
 * The text of `file`, read without following a symbolic link (a planted link in the spool would otherwise send
 * another file's content to the collector).
 *
 * @throws {SymlinkRefusedError} when `file` is a symbolic link; the fs error otherwise.
 */
export function readFileNoFollow(file: string): string {
  const fd = refuseLinks(file, () => openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW));
  try {
    const size = fstatSync(fd).size;
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.max(65_536, size - total + 1));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    closeSync(fd);
  }
}
