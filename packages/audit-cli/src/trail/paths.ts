// SPDX-License-Identifier: Apache-2.0
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { UsageError } from "../usage.js";

/** A file of the trail and its size when listed. */
export interface TrailFile {
  /** As given on the command line, or joined onto the directory given. */
  readonly path: string;
  readonly bytes: number;
}

/**
 * The files to read: each file argument as is, each directory's `*.jsonl` files (not recursive) in name order.
 * Name order is time order for the collector's rotated backups (`traces-2026-11-24T10-54-25.000-size.jsonl`
 * sorts before `traces.jsonl`, the active file); which signal a file holds is read from its content.
 *
 * `anyName`: a directory stands for all its files (an anchor directory of syslog files), not only `*.jsonl`.
 *
 * @throws {UsageError} for a path that does not exist, or when there is no file at all.
 */
export async function expandPaths(paths: readonly string[], options: { readonly anyName?: boolean } = {}): Promise<TrailFile[]> {
  const files: TrailFile[] = [];
  const seen = new Set<string>();
  const add = (file: string, bytes: number) => {
    const key = path.resolve(file);
    if (seen.has(key)) return;
    seen.add(key);
    files.push({ path: file, bytes });
  };
  for (const p of paths) {
    let info;
    try {
      info = await stat(p);
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
    if (!info.isDirectory()) {
      add(p, info.size);
      continue;
    }
    const names = (await readdir(p)).filter((name) => options.anyName === true || name.endsWith(".jsonl")).sort();
    for (const name of names) {
      const file = path.join(p, name);
      const fileInfo = await stat(file);
      if (fileInfo.isFile()) add(file, fileInfo.size);
    }
  }
  if (files.length === 0) throw new UsageError(`no .jsonl files in ${paths.join(", ")}`);
  return files;
}
