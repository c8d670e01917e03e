// SPDX-License-Identifier: Apache-2.0
import { readFileSync, writeFileSync } from "node:fs";

/** The lines of a file, without the final empty string. */
export function lines(file: string): string[] {
  const text = readFileSync(file, "utf8");
  return text === "" ? [] : text.replace(/\n$/, "").split("\n");
}

/** Writes lines back, each ended by a line feed. */
export function writeLines(file: string, content: readonly string[]): void {
  writeFileSync(file, content.map((l) => l + "\n").join(""));
}

/** Applies `edit` to line `n` (1-based) of the file. */
export function editLine(file: string, n: number, edit: (line: string) => string): void {
  const all = lines(file);
  const before = all[n - 1]!;
  const after = edit(before);
  if (after === before) throw new Error(`editing line ${n} of ${file} changed nothing`);
  all[n - 1] = after;
  writeLines(file, all);
}
