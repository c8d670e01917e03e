// SPDX-License-Identifier: Apache-2.0
// Debian's Chromium for the browser tests, installed the way the stack build installs rsyslog: with apt-get
// when it is missing and we are root, else an error that says what to run.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";

function aptGet(args: string[]): boolean {
  const run = spawnSync("apt-get", args, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" }, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 600_000 });
  return run.status === 0;
}

/** Installs Debian's `chromium` package when /usr/bin/chromium is missing; returns the seconds it took. */
export function ensureChromium(log: (line: string) => void): number {
  if (existsSync(CHROMIUM)) return 0;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (!isRoot || spawnSync("apt-get", ["--version"], { stdio: "ignore" }).status !== 0) {
    throw new Error(`${CHROMIUM} was not found. The browser tests use Debian's Chromium: sudo apt-get install -y chromium`);
  }
  const started = performance.now();
  log("installing chromium (apt-get install -y chromium) for the browser tests…");
  const hasLists = existsSync("/var/lib/apt/lists") && readdirSync("/var/lib/apt/lists").some((n) => n.includes("_Packages"));
  if (!hasLists) aptGet(["update"]);
  if (!aptGet(["install", "-y", "--no-install-recommends", "chromium"]) && !(aptGet(["update"]) && aptGet(["install", "-y", "--no-install-recommends", "chromium"]))) {
    throw new Error("apt-get install -y chromium failed: install it by hand (sudo apt-get install -y chromium) and run the tests again");
  }
  return (performance.now() - started) / 1000;
}
