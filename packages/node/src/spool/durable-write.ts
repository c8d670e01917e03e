// SPDX-License-Identifier: Apache-2.0
import { constants } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { DEFAULT_FILE_MODES, type FileModes } from "../files/private-files.js";
import path from "node:path";

/** Suffix of a file being written; a file with it was never acknowledged. */
export const TEMP_SUFFIX = ".tmp";

/**
 * Writes `data` to `file` so that once the promise resolves it survives a crash of the process or of the machine:
 * written to `<file>.tmp` (which must not exist), fsync'd, renamed to `file`, and the directory fsync'd so the
 * rename itself is on disk. A reader never sees a partial `file`. On failure the temporary file is removed and the
 * error is thrown. The temporary file is created exclusively, never through a symbolic link, with exactly
 * `modes.file`.
 */
export async function writeFileDurably(file: string, data: string, modes: FileModes = DEFAULT_FILE_MODES): Promise<void> {
  const temp = file + TEMP_SUFFIX;
  try {
    const handle = await open(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, modes.file);
    try {
      await handle.chmod(modes.file);
      await handle.writeFile(data, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncDirectory(path.dirname(file));
}

/** Makes a rename in `dir` durable. Platforms that cannot open a directory (Windows) skip it: the rename is still atomic. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Not supported here; nothing better to do.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
