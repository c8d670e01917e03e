// SPDX-License-Identifier: Apache-2.0
// Small helpers shared by the stack scripts: the error type, logging, files, hashing.

import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/** The error every stack operation throws: its message is meant for a person (the CLI prints only it). */
export class StackError extends Error {
  constructor(message) {
    super(message);
    this.name = "StackError";
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function defaultLog(line) {
  process.stdout.write(`${line}\n`);
}

export function which(cmd, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

export function sha256(...parts) {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" || Buffer.isBuffer(p) ? p : JSON.stringify(p)).update("\0");
  return h.digest("hex");
}

export function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n").trimEnd();
  } catch {
    return "(no log)";
  }
}

export function mkdirs(...dirs) {
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
}

/** `$JAVA_HOME/bin/java`, else `java` on PATH; undefined when neither exists. */
export function findJava() {
  const home = process.env.JAVA_HOME;
  if (home && fs.existsSync(path.join(home, "bin", "java"))) return path.join(home, "bin", "java");
  return which("java") ?? undefined;
}
