import { max, median, min } from "./stats.mjs";

/**
 * Folds the children's results into one row per workload × mode.
 * `runs` is a list of { round, workload, mode, result }. Overhead is paired by round (mode − none of the same
 * round, so slow phases of the machine cancel out), then the median of those differences is taken.
 */
export function aggregate(runs, workloads, modes) {
  const rows = [];
  for (const workload of workloads) {
    const noneRuns = runs.filter((r) => r.workload === workload.id && r.mode === "none" && r.result.microsPerInvoke !== undefined);
    const noneByRound = new Map(noneRuns.map((r) => [r.round, r.result]));
    for (const mode of modes) {
      const mine = runs.filter((r) => r.workload === workload.id && r.mode === mode.id);
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
      const micros = ok.map((r) => r.result.microsPerInvoke);
      row.micros = { median: median(micros), min: min(micros), max: max(micros), all: micros };
      const paired = ok.filter((r) => noneByRound.has(r.round));
      const diffs = paired.map((r) => r.result.microsPerInvoke - noneByRound.get(r.round).microsPerInvoke);
      if (diffs.length) row.overhead = { median: median(diffs), min: min(diffs), max: max(diffs) };
      // The same on CPU time of the process: less sensitive to other work competing for the cores.
      const cpuDiffs = paired.map((r) => r.result.cpuMicrosPerInvoke - noneByRound.get(r.round).cpuMicrosPerInvoke);
      if (cpuDiffs.length) row.cpuOverhead = { median: median(cpuDiffs), min: min(cpuDiffs), max: max(cpuDiffs) };
      row.spansPerInvoke = median(ok.map((r) => r.result.spansPerInvoke));
      row.peakRssMb = median(ok.map((r) => r.result.peakRssMb));
      const sinkRequests = ok.map((r) => r.result.notes?.sinkRequests).filter((n) => n !== undefined);
      if (sinkRequests.length) row.sinkRequests = sinkRequests.reduce((a, b) => a + b, 0);
      rows.push(row);
    }
  }
  for (const workload of workloads) {
    const oursFull = rows.find((r) => r.workload === workload && r.mode.id === "ours-full");
    for (const row of rows.filter((r) => r.workload === workload && r.mode.kind === "peer")) {
      if (oursFull?.overhead && row.overhead && row.overhead.median > 0) row.oursFullRatio = oursFull.overhead.median / row.overhead.median;
    }
  }
  return rows;
}

/**
 * The goal for one workload: our overhead (`ours-full`) at most `fraction` of the fastest peer's overhead.
 * Peers without numbers are left out (and named).
 */
export function goalFor(rows, workload, fraction = 0.5) {
  const mine = rows.filter((r) => r.workload === workload);
  const ours = mine.find((r) => r.mode.id === "ours-full");
  const peers = mine.filter((r) => r.mode.kind === "peer" && r.overhead !== undefined);
  const missingPeers = mine.filter((r) => r.mode.kind === "peer" && r.overhead === undefined).map((r) => r.mode.label);
  if (ours?.overhead === undefined || peers.length === 0) return { decided: false, missingPeers };
  const fastest = peers.reduce((a, b) => (b.overhead.median < a.overhead.median ? b : a));
  const ratio = ours.overhead.median / fastest.overhead.median;
  const cpuPeers = peers.filter((p) => p.cpuOverhead !== undefined);
  const cpuFastest = cpuPeers.length ? cpuPeers.reduce((a, b) => (b.cpuOverhead.median < a.cpuOverhead.median ? b : a)) : undefined;
  const cpu =
    ours.cpuOverhead && cpuFastest
      ? { ours: ours.cpuOverhead.median, fastest: cpuFastest.mode.label, fastestOverhead: cpuFastest.cpuOverhead.median, ratio: ours.cpuOverhead.median / cpuFastest.cpuOverhead.median }
      : undefined;
  return {
    decided: true,
    met: ratio <= fraction,
    fraction,
    ours: ours.overhead.median,
    fastest: fastest.mode.label,
    fastestOverhead: fastest.overhead.median,
    ratio,
    target: fastest.overhead.median * fraction,
    cpu,
    missingPeers,
  };
}
