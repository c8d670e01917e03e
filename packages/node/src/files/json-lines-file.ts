// SPDX-License-Identifier: Apache-2.0
import { accessSync, closeSync, constants, existsSync, fstatSync, ftruncateSync, readSync } from "node:fs";
import path from "node:path";
import { DEFAULT_FILE_MODES, ensureDirectory, openForAppend, writeAll, type FileModes } from "./private-files.js";

const LINE_FEED = 0x0a;
const NEWLINE = Buffer.from("\n");

/** Whether the file behind `fd` is empty or ends with a line feed. */
function endsWithLineFeed(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === LINE_FEED;
}

/**
 * An append-only file of JSON lines, written synchronously: when {@link append} returns, the line has been handed
 * to the operating system, so the process ending right after cannot lose it. The file is opened for each append
 * (a file removed or rotated meanwhile is created again, its directory too) with O_NOFOLLOW, and created by its
 * first line with exactly the configured mode.
 *
 * A line is never glued to another: a write that fails part-way (disk full, file size limit) is cut back when
 * nobody else appended meanwhile, and otherwise the next line starts with a line feed of its own, so the torn
 * part stays a line by itself (readers skip it with a warning). The same holds for a torn line left by a process
 * killed mid-write.
 */
export class JsonLinesFile {
  readonly path: string;
  private readonly _modes: FileModes;

  constructor(file: string, modes: FileModes = DEFAULT_FILE_MODES) {
    this.path = path.resolve(file);
    this._modes = modes;
  }

  /**
   * Creates the directory if missing and checks that the file can be written (without creating it): throws the
   * fs error (EACCES, EROFS, ENOTDIR) or a `SymlinkRefusedError` when it cannot.
   */
  prepare(): void {
    const dir = path.dirname(this.path);
    ensureDirectory(dir, this._modes);
    accessSync(dir, constants.W_OK);
    if (existsSync(this.path)) closeSync(openForAppend(this.path, this._modes));
  }

  /**
   * Appends `text` (one or more lines, each ending in a line feed).
   *
   * @throws the fs error when it cannot be written; what was written of it is cut back where that is safe.
   */
  append(text: string): void {
    const data = Buffer.from(text, "utf8");
    let fd: number;
    try {
      fd = openForAppend(this.path, this._modes);
    } catch (err) {
      // The directory was removed while the app ran (log cleanup, tmp reaping): recreate it once.
      if ((err as NodeJS.ErrnoException | undefined)?.code !== "ENOENT") throw err;
      ensureDirectory(path.dirname(this.path), this._modes);
      fd = openForAppend(this.path, this._modes);
    }
    try {
      if (!endsWithLineFeed(fd)) writeAll(fd, NEWLINE);
      const start = fstatSync(fd).size;
      try {
        writeAll(fd, data);
      } catch (err) {
        cutBack(fd, start, data.length);
        throw err;
      }
    } finally {
      closeSync(fd);
    }
  }
}

/** After a failed write: removes its partial bytes if the file ends exactly where they do (nobody appended since). */
function cutBack(fd: number, start: number, length: number): void {
  try {
    const size = fstatSync(fd).size;
    if (size > start && size < start + length) ftruncateSync(fd, start);
  } catch {
    // The next append starts on a line of its own anyway.
  }
}
