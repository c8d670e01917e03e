// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpoolBudget } from "../../src/spool/budget.js";
import { SpoolOwners } from "../../src/spool/owners.js";
import { SpoolDirectory, spoolKey } from "../../src/spool/spool-directory.js";

let spoolDir: string;
let tracesDir: string;

beforeEach(() => {
  spoolDir = mkdtempSync(path.join(tmpdir(), "spool-dir-"));
  tracesDir = path.join(spoolDir, "traces");
  mkdirSync(tracesDir, { recursive: true });
});
afterEach(() => rmSync(spoolDir, { recursive: true, force: true }));

function open(key: string, budget = new SpoolBudget(2 ** 30)): { directory: SpoolDirectory; owners: SpoolOwners; budget: SpoolBudget } {
  const owners = new SpoolOwners(spoolDir, key);
  owners.register();
  return { directory: new SpoolDirectory({ spoolDir, signal: "traces", key, budget, owners }), owners, budget };
}

/** An owner record for `key`, as a running process of this host writes it. */
function ownerRecord(key: string, pid: number, host = hostname()): void {
  mkdirSync(path.join(spoolDir, "owners"), { recursive: true });
  writeFileSync(path.join(spoolDir, "owners", `${key}.json`), JSON.stringify({ pid, hostname: host }));
}

const leftover = (name: string, body = `{"batch":"${name}"}`) => writeFileSync(path.join(tracesDir, name), body);
const bodyOf = (name: string) => readFileSync(path.join(tracesDir, name), "utf8");

describe("SpoolDirectory", () => {
  it("writes one file per batch, named by a zero-padded sequence and the instance key, oldest first", async () => {
    const { directory, budget } = open("me");
    expect(directory.isEmpty).toBe(true);
    const a = await directory.write('{"batch":"A"}', 13);
    const b = await directory.write('{"batch":"B"}', 13);
    expect([a.name, b.name]).toEqual(["0000000000000001-me.json", "0000000000000002-me.json"]);
    expect(readdirSync(tracesDir)).toEqual([a.name, b.name]);
    expect(directory.oldest()).toBe(a);
    expect(await directory.readBody(a)).toBe('{"batch":"A"}');

    // The caller reserves; removing gives the bytes back.
    budget.tryReserve(26);
    await directory.remove(a);
    expect(directory.oldest()).toBe(b);
    expect(budget.usedBytes).toBe(13);
    expect(await directory.reject(b)).toBe(path.join(spoolDir, "rejected", "traces-0000000000000002-me.json"));
    expect(directory.isEmpty).toBe(true);
    expect(readdirSync(tracesDir)).toEqual([]);
    expect(budget.usedBytes).toBe(0);
  });

  it("adopts the files of processes that are gone, in their order, after everything already numbered", () => {
    leftover("0000000000000007-dead-b.json");
    leftover("0000000000000003-dead-a.json");
    leftover("0000000000000009-dead-a.json");
    const { directory, budget } = open("me");

    expect(directory.adoptedCount).toBe(3);
    expect(readdirSync(tracesDir)).toEqual(["0000000000000010-me.json", "0000000000000011-me.json", "0000000000000012-me.json"]);
    expect(["0000000000000010-me.json", "0000000000000011-me.json", "0000000000000012-me.json"].map(bodyOf)).toEqual([
      '{"batch":"0000000000000003-dead-a.json"}',
      '{"batch":"0000000000000007-dead-b.json"}',
      '{"batch":"0000000000000009-dead-a.json"}',
    ]);
    expect(budget.usedBytes).toBe(3 * '{"batch":"0000000000000003-dead-a.json"}'.length);
    expect(directory.oldest()?.name).toBe("0000000000000010-me.json");
  });

  it("leaves alone the files of a process that is still running, and numbers after them", async () => {
    // The test runner's parent process: alive, on this host, and not this process.
    ownerRecord("alive", process.ppid);
    ownerRecord("dead", 2 ** 22 + 12_345);
    leftover("0000000000000005-alive.json");
    leftover("0000000000000002-dead.json");
    const { directory } = open("me");

    expect(directory.adoptedCount).toBe(1);
    expect((await directory.write("{}", 2)).name).toBe("0000000000000007-me.json");
    expect(readdirSync(tracesDir).sort()).toEqual(["0000000000000005-alive.json", "0000000000000006-me.json", "0000000000000007-me.json"]);
    // The dead process's owner record is gone with its files.
    expect(readdirSync(path.join(spoolDir, "owners")).sort()).toEqual(["alive.json", "me.json"]);
  });

  it("takes an owner record with this process's pid under another key, or from another host, for a leftover", () => {
    ownerRecord("previous-life", process.pid);
    ownerRecord("elsewhere", process.ppid, "another-host");
    leftover("0000000000000001-previous-life.json");
    leftover("0000000000000002-elsewhere.json");
    expect(open("me").directory.adoptedCount).toBe(2);
  });

  it("adopts its own files from a previous run under the same (fixed) instance ID", () => {
    leftover("0000000000000004-worker-1.json");
    const { directory } = open("worker-1");
    expect(directory.adoptedCount).toBe(1);
    expect(readdirSync(tracesDir)).toEqual(["0000000000000005-worker-1.json"]);
  });

  it("adopts a complete temporary file of a crashed writer, and removes an incomplete one", () => {
    leftover("0000000000000001-dead.json.tmp", '{"batch":"complete"}');
    leftover("0000000000000002-dead.json.tmp", '{"batch":"cut sh');
    const { directory } = open("me");
    expect(directory.adoptedCount).toBe(1);
    expect(readdirSync(tracesDir)).toEqual(["0000000000000003-me.json"]);
    expect(bodyOf("0000000000000003-me.json")).toBe('{"batch":"complete"}');
  });

  it("ignores files it did not write", () => {
    leftover("notes.txt");
    leftover("12-.json.bak");
    expect(open("me").directory.isEmpty).toBe(true);
    expect(readdirSync(tracesDir).sort()).toEqual(["12-.json.bak", "notes.txt"]);
  });

  it("recreates its directory if it was removed while the app ran", async () => {
    const { directory } = open("me");
    rmSync(tracesDir, { recursive: true });
    await directory.write("{}", 2);
    expect(existsSync(path.join(tracesDir, "0000000000000001-me.json"))).toBe(true);
  });
});

describe("spoolKey", () => {
  it.each([
    ["3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d", "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d"],
    ["pod/ns:web 1", "pod_ns_web_1"],
    ["..", "instance"],
    ["x".repeat(200), "x".repeat(100)],
  ])("%s → %s", (id, key) => {
    expect(spoolKey(id)).toBe(key);
  });
});
