// SPDX-License-Identifier: Apache-2.0
import { max, median, min } from "./stats.mjs";

/** The goals: a mode's overhead as a ratio to a reference's overhead, at most `limit`. */
export const GOALS = [
  { mode: "ours-redacted", against: "peer", limit: 0.7 },
  { mode: "ours-full", against: "floor", limit: 1.3 },
  { mode: "ours-none", against: "floor", limit: 1.15 },
];

function stat(values) {
  return values.length ? { median: median(values), min: min(values), max: max(values), rounds: values.length } : undefined;
}

/**
 * Folds the children's results into one row per workload × mode. `runs` is a list of { round, workload, mode, result }.
 * Everything is paired by round, so slow phases of the machine cancel out: overhead = mode − none of the same round;
 * ratio to the floor = overhead ÷ the floor's overhead of the same round; ratio to the fastest peer = overhead ÷ that
 * peer's overhead of the same round. The median of the per-round figures is reported, with min–max.
 * The fastest peer of a workload is the peer with the lowest median overhead among those that export at least one
 * span per invoke there (a peer that does not trace a run type costs nothing for it and is no reference).
 */
export function aggregate(runs, workloads, modes) {
  const rows = [];
  for (const workload of workloads) {
    const perRound = (modeId, field) =>
      new Map(
        runs
          .filter((r) => r.workload === workload.id && r.mode === modeId && r.result[field] !== undefined)
          .map((r) => [r.round, r.result[field]]),
      );
    const none = { wall: perRound("none", "microsPerInvoke"), cpu: perRound("none", "cpuMicrosPerInvoke") };
    const overheadByRound = new Map();
    for (const mode of modes) {
      const mine = runs.filter((r) => r.workload === workload.id && r.mode === mode.id);
      if (mine.length === 0 && mode.firstWorkloadOnly) continue; // measured on another workload only
      const ok = mine.filter((r) => r.result.microsPerInvoke !== undefined);
      const row = { workload, mode, rounds: ok.length, attempted: mine.length };
      const unavailable = mine.find((r) => r.result.unavailable !== undefined)?.result.unavailable;
      const errors = mine.filter((r) => r.result.error !== undefined).map((r) => r.result.error);
      if (ok.length === 0) {
        row.missing = unavailable !== undefined ? `n/a (${unavailable})` : errors.length ? `error: ${errors[0]}` : "not run";
        rows.push(row);
        continue;
      }
      if (errors.length) row.errors = errors;
      row.micros = stat(ok.map((r) => r.result.microsPerInvoke));
      const wall = new Map();
      const cpu = new Map();
      for (const r of ok) {
        if (none.wall.has(r.round)) wall.set(r.round, r.result.microsPerInvoke - none.wall.get(r.round));
        if (none.cpu.has(r.round)) cpu.set(r.round, r.result.cpuMicrosPerInvoke - none.cpu.get(r.round));
      }
      overheadByRound.set(mode.id, { wall, cpu });
      row.overhead = stat([...wall.values()]);
      row.cpuOverhead = stat([...cpu.values()]);
      row.spansPerInvoke = median(ok.map((r) => r.result.spansPerInvoke));
      row.peakRssMb = median(ok.map((r) => r.result.peakRssMb));
      const sinkRequests = ok.map((r) => r.result.notes?.sinkRequests).filter((n) => n !== undefined);
      if (sinkRequests.length) row.sinkRequests = sinkRequests.reduce((a, b) => a + b, 0);
      rows.push(row);
    }
    const mine = rows.filter((r) => r.workload === workload);
    const peers = mine.filter((r) => r.mode.kind === "peer" && r.overhead !== undefined && r.spansPerInvoke > 0);
    const fastest = peers.length ? peers.reduce((a, b) => (b.overhead.median < a.overhead.median ? b : a)) : undefined;
    const reference = { floor: overheadByRound.get("floor"), peer: fastest && overheadByRound.get(fastest.mode.id) };
    for (const row of mine) {
      if (row.overhead === undefined || row.mode.id === "none") continue;
      const own = overheadByRound.get(row.mode.id);
      for (const [key, ref] of Object.entries(reference)) {
        if (ref === undefined) continue;
        row[key === "floor" ? "toFloor" : "toPeer"] = pairedRatio(own.wall, ref.wall);
        row[key === "floor" ? "cpuToFloor" : "cpuToPeer"] = pairedRatio(own.cpu, ref.cpu);
      }
      if (fastest) row.fastestPeer = fastest.mode.label;
    }
  }
  return rows;
}

/** Per round: numerator ÷ denominator of the same round (rounds where the denominator is not positive are left out). */
function pairedRatio(numerators, denominators) {
  const ratios = [];
  for (const [round, value] of numerators) {
    const d = denominators.get(round);
    if (d !== undefined && d > 0) ratios.push(value / d);
  }
  return stat(ratios);
}

/** Each goal of GOALS on each workload: the ratio (median of the per-round ratios) and whether it is met. */
export function evaluateGoals(rows, workloads) {
  const results = [];
  for (const workload of workloads) {
    for (const goal of GOALS) {
      const row = rows.find((r) => r.workload === workload && r.mode.id === goal.mode);
      if (row === undefined) continue;
      const ratio = goal.against === "floor" ? row.toFloor : row.toPeer;
      const cpuRatio = goal.against === "floor" ? row.cpuToFloor : row.cpuToPeer;
      const reference = goal.against === "floor" ? "floor" : (row.fastestPeer ?? "fastest peer");
      results.push({ workload, goal, label: row.mode.label, reference, ratio, cpuRatio, met: ratio === undefined ? undefined : ratio.median <= goal.limit });
    }
  }
  return results;
}
