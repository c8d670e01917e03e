// SPDX-License-Identifier: Apache-2.0
// `down()` leaves nothing behind: no process from the pid files, no listener on the stack's ports.
import { readFileSync, readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { COMPONENTS, HOST, PORTS, down, status } from "../collector-config/scripts/stack.mjs";
import { stackLog, useStack } from "./support/stack.ts";

/** The ports the stack listens on, by what they are (all on 127.0.0.1). */
const STACK_PORTS: Record<string, number> = {
  "collector OTLP/HTTP": PORTS.otlpHttp,
  "collector health": PORTS.collectorHealth,
  "collector metrics": PORTS.collectorMetrics,
  "Jaeger OTLP/HTTP": PORTS.jaegerOtlpHttp,
  "Jaeger query HTTP": PORTS.jaegerQueryHttp,
  "Jaeger query gRPC": PORTS.jaegerQueryGrpc,
  "rsyslog TCP": PORTS.syslog,
};

/** "open", "refused", or the error code of a connection attempt to HOST:port. */
function connect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: HOST, port });
    const done = (outcome: string) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(2000, () => done("timeout"));
    socket.once("connect", () => done("open"));
    socket.once("error", (err: NodeJS.ErrnoException) => done(err.code === "ECONNREFUSED" ? "refused" : (err.code ?? err.message)));
  });
}

async function portStates(): Promise<Record<string, string>> {
  const states: Record<string, string> = {};
  for (const [name, port] of Object.entries(STACK_PORTS)) states[`${name} ${port}`] = await connect(port);
  return states;
}

/** "running" or "exited", from signal 0 and /proc (an exited child not yet reaped by its parent is a zombie: exited). */
function processState(pid: number): string {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ESRCH") return "exited";
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).startsWith("Z") ? "exited" : "running";
  } catch {
    return "exited";
  }
}

const stack = useStack("lifecycle");

describe("the local stack", () => {
  it("stops cleanly: after down() no process from the pid files is alive and no stack port accepts connections", async () => {
    const log = stackLog("lifecycle");
    const pidsDir = path.join(stack.stackDir, "pids");
    const pids = Object.fromEntries(
      readdirSync(pidsDir).map((file) => [path.basename(file, ".pid"), Number(readFileSync(path.join(pidsDir, file), "utf8").trim())]),
    );
    // Running and healthy first, so the checks below are not vacuous.
    expect(Object.keys(pids).sort()).toEqual([...COMPONENTS].sort());
    expect((await status({ stackDir: stack.stackDir, log })).map((c) => [c.name, c.running, c.healthy])).toEqual(
      COMPONENTS.map((name) => [name, true, true]),
    );
    expect(Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processState(pid)]))).toEqual(
      Object.fromEntries(COMPONENTS.map((name) => [name, "running"])),
    );
    expect(Object.values(await portStates())).toEqual(Object.values(STACK_PORTS).map(() => "open"));

    const outcome = await down({ stackDir: stack.stackDir, log });

    // SIGTERM sufficed for every component (no SIGKILL after the grace period).
    expect(outcome).toEqual(Object.fromEntries(COMPONENTS.map((name) => [name, "stopped"])));
    expect(Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processState(pid)]))).toEqual(
      Object.fromEntries(COMPONENTS.map((name) => [name, "exited"])),
    );
    expect(await portStates()).toEqual(Object.fromEntries(Object.entries(STACK_PORTS).map(([name, port]) => [`${name} ${port}`, "refused"])));
    expect(readdirSync(pidsDir)).toEqual([]);
    expect((await status({ stackDir: stack.stackDir, log })).map((c) => [c.name, c.running])).toEqual(COMPONENTS.map((name) => [name, false]));
  });
});
