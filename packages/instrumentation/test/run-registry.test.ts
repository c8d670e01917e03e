// SPDX-License-Identifier: Apache-2.0
import { ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { RunRegistry, type RunState } from "../src/run-registry.js";

/** A run state as the tracker makes one; the registry reads only the run ID, the root and the start time. */
function state(runId: string, rootRunId: string, startedAtMillis: number): RunState {
  return {
    span: trace.wrapSpanContext({ traceId: "0".repeat(31) + "1", spanId: "0".repeat(15) + "1", traceFlags: 1 }),
    context: ROOT_CONTEXT,
    info: { runId, parentRunId: runId === rootRunId ? undefined : rootRunId, runType: "chain", name: runId, tags: [], metadata: {} },
    rootRunId,
    inherited: {},
    identity: {},
    startedAtMillis,
    firstChunkAtMillis: undefined,
    lastChunkAtMillis: undefined,
    chunkCount: 0,
    startRedactions: undefined,
  };
}
const ids = (states: readonly RunState[]) => states.map((s) => s.info.runId);

describe("RunRegistry", () => {
  it("holds each added run until it is removed, by run ID", () => {
    const registry = new RunRegistry();
    const root = state("root", "root", 0);
    registry.add(root);
    registry.add(state("child", "root", 1));
    expect(registry.size).toBe(2);
    expect(registry.get("root")).toBe(root);
    expect(registry.get("missing")).toBeUndefined();
    expect(registry.get(undefined)).toBeUndefined();
    expect(registry.remove("root")).toBe(root);
    expect(registry.remove("root")).toBeUndefined();
    expect(ids(registry.all())).toEqual(["child"]);
  });

  it("openInTree: a tree's open runs, latest started first; other trees and removed runs left out", () => {
    const registry = new RunRegistry();
    registry.add(state("a", "a", 0));
    registry.add(state("a1", "a", 1));
    registry.add(state("b", "b", 2));
    registry.add(state("a2", "a", 3));
    registry.remove("a1");
    expect(ids(registry.openInTree("a"))).toEqual(["a2", "a"]);
    expect(ids(registry.openInTree("b"))).toEqual(["b"]);
    expect(registry.openInTree("unknown")).toEqual([]);
  });

  it("a tree whose last run is removed is forgotten: nothing kept for finished trees", () => {
    const registry = new RunRegistry();
    registry.add(state("a", "a", 0));
    registry.add(state("a1", "a", 1));
    registry.remove("a1");
    registry.remove("a");
    expect(registry.size).toBe(0);
    expect(registry.openInTree("a")).toEqual([]);
    // A later run with the same root starts a new tree.
    registry.add(state("a3", "a", 5));
    expect(ids(registry.openInTree("a"))).toEqual(["a3"]);
  });

  it("expired: runs started at least the TTL before now, latest started first", () => {
    const registry = new RunRegistry();
    registry.add(state("old", "old", 0));
    registry.add(state("edge", "edge", 500));
    registry.add(state("new", "new", 900));
    expect(ids(registry.expired(1000, 500))).toEqual(["edge", "old"]);
    expect(ids(registry.expired(1000, 2000))).toEqual([]);
    // Expired is a view: the runs stay until the tracker removes them.
    expect(registry.size).toBe(3);
  });

  it("all: every open run, latest added first", () => {
    const registry = new RunRegistry();
    for (const [i, id] of ["x", "y", "z"].entries()) registry.add(state(id, "x", i));
    expect(ids(registry.all())).toEqual(["z", "y", "x"]);
  });

  it("10 000 runs added and removed leave nothing behind", () => {
    const registry = new RunRegistry();
    for (let i = 0; i < 10_000; i++) registry.add(state(`r${i}`, `t${i % 7}`, i));
    for (let i = 0; i < 10_000; i++) registry.remove(`r${i}`);
    expect(registry.size).toBe(0);
    for (let t = 0; t < 7; t++) expect(registry.openInTree(`t${t}`)).toEqual([]);
  });
});
