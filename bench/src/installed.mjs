// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const BENCH_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const REPO_ROOT = path.resolve(BENCH_DIR, "..");

/** The version of a dependency as installed for this package (read from its package.json, which not every package exports). */
export function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(path.join(BENCH_DIR, "node_modules", name, "package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}
