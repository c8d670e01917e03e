// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "./installed.mjs";
import { runChild } from "./runner.mjs";

const SAMPLING_INTERVAL_MICROS = 100;
const LIBRARY_OWNERS = new Set(["ours", "LangChain", "OTel SDK", "OTel API", "zod", "bench"]);
const CHARGEABLE_OWNERS = new Set(["ours", "LangChain", "zod", "bench"]);

/** Who a stack frame belongs to, from its script URL. */
export function ownerOf(callFrame) {
  const url = callFrame.url ?? "";
  const fn = callFrame.functionName;
  if (url === "") {
    if (fn === "(garbage collector)") return "GC";
    if (fn === "(program)" || fn === "(idle)" || fn === "(root)") return "V8 (program)";
    return "V8 builtins";
  }
  if (url.includes("/packages/instrumentation/") || url.includes("@langchain-otel/instrumentation")) return "ours";
  if (url.includes("/@langchain/") || url.includes("/langsmith/") || url.includes("/p-queue/")) return "LangChain";
  if (/@opentelemetry\/(sdk-trace|core|resources)\//.test(url)) return "OTel SDK";
  if (/@opentelemetry\/(api|context-async-hooks)\//.test(url)) return "OTel API";
  if (url.includes("/zod/")) return "zod";
  if (url.startsWith("node:")) return "Node.js";
  if (url.includes("/bench/src/")) return "bench";
  return "other";
}

/** A short, stable name for a frame: `function (package/file:line)`. */
export function frameName(callFrame) {
  const fn = callFrame.functionName || "(anonymous)";
  const url = callFrame.url ?? "";
  if (url === "") return fn;
  let file = url.replace(/^file:\/\//, "");
  const nm = file.lastIndexOf("/node_modules/");
  if (nm >= 0) file = file.slice(nm + "/node_modules/".length);
  else if (file.startsWith(REPO_ROOT)) file = path.relative(REPO_ROOT, file);
  file = file.replace(/\/dist\//, "/");
  return `${fn} (${file}:${callFrame.lineNumber + 1})`;
}

/**
 * Over the samples of `profile` inside [startMicros, endMicros] (the child's timed window, on the profile's clock):
 * - `self`: self time per function, with its owner; runtime frames (Node.js, V8 builtins) also list the nearest
 *   library frame that called them (`callers`);
 * - `owners`: self time per owner;
 * - `charged`: each sample charged to the innermost library frame that is not OpenTelemetry's (runtime and
 *   OpenTelemetry frames are charged to whoever called them), so "ours" counts the span, context and crypto work
 *   our code asks for, but not LangChain code that runs inside one of our wrappers; GC has no stack and stays apart;
 * - `oursCharged`: the "ours" part of `charged`, per function of ours.
 */
export function summarizeProfile(profile, { startMicros, endMicros }) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const owners = new Map();
  const charged = new Map();
  const oursCharged = new Map();
  const add = (map, key, dt) => map.set(key, (map.get(key) ?? 0) + dt);
  let total = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < startMicros || t > endMicros) continue;
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i];
    total += dt;
    const leaf = byId.get(profile.samples[i]);
    const leafName = frameName(leaf.callFrame);
    const leafOwner = ownerOf(leaf.callFrame);
    const entry = self.get(leafName) ?? { name: leafName, owner: leafOwner, micros: 0, callers: new Map() };
    entry.micros += dt;
    self.set(leafName, entry);
    add(owners, leafOwner, dt);

    let nearestLibrary;
    let chargedTo;
    for (let id = leaf.id; id !== undefined; id = parent.get(id)) {
      const frame = byId.get(id).callFrame;
      const owner = ownerOf(frame);
      if (nearestLibrary === undefined && id !== leaf.id && LIBRARY_OWNERS.has(owner)) nearestLibrary = `${owner}: ${frameName(frame)}`;
      if (chargedTo === undefined && CHARGEABLE_OWNERS.has(owner)) chargedTo = { owner, name: frameName(frame) };
      if (nearestLibrary !== undefined && chargedTo !== undefined) break;
    }
    if (!LIBRARY_OWNERS.has(leafOwner)) add(entry.callers, nearestLibrary ?? "(no library frame)", dt);
    const center = chargedTo?.owner ?? (leafOwner === "GC" ? "GC" : leafOwner === "OTel SDK" || leafOwner === "OTel API" ? "OTel (no caller)" : "runtime, no library frame");
    add(charged, center, dt);
    if (chargedTo?.owner === "ours") add(oursCharged, chargedTo.name, dt);
  }
  const list = (map) => [...map.entries()].map(([name, micros]) => ({ name, micros })).sort((a, b) => b.micros - a.micros);
  return {
    totalMicros: total,
    self: [...self.values()]
      .map((e) => ({ ...e, callers: list(e.callers) }))
      .sort((a, b) => b.micros - a.micros),
    owners: list(owners),
    charged: list(charged),
    oursCharged: list(oursCharged),
  };
}

/**
 * `node --cpu-prof` on one child running `workload` under `mode`; returns the child's result and the summary of the
 * profile over its timed window.
 */
export async function profileMode({ mode, workload, iterations, warmup, warmupMillis }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "langchain-otel-bench-prof-"));
  try {
    const nodeFlags = ["--expose-gc", "--cpu-prof", `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${SAMPLING_INTERVAL_MICROS}`];
    const spec = { mode, workload, iterations, warmup, warmupMillis, batches: 1 };
    const result = await runChild("child.mjs", spec, { nodeFlags });
    if (result.error) return { error: result.error };
    const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (file === undefined) return { error: "node --cpu-prof wrote no profile" };
    const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8"));
    return {
      result,
      command: `node ${nodeFlags.map((f) => (f.startsWith("--cpu-prof-dir") ? "--cpu-prof-dir=<tmp>" : f)).join(" ")} bench/src/child.mjs '${JSON.stringify(spec)}'`,
      summary: summarizeProfile(profile, result.window),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
