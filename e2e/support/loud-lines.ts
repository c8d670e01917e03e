// SPDX-License-Identifier: Apache-2.0
// The distro's stderr lines ("[langchain-otel] …") as kinds a test can compare: an app that met a collector that
// was down must say so, once, and may say when it is back.

/** The kind of each distro line on stderr: `down`, `up traces`, `up logs`, `replay traces`, `replay logs`, or the line. */
export function loudLines(stderr: string): string[] {
  return stderr
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      if (/^\[langchain-otel\] the collector at \S+ does not take data \(.+\): spooling to \S+; it is sent when the collector is back, or by the next start$/.test(line)) return "down";
      const up = /^\[langchain-otel\] the collector at \S+ takes (traces|logs) again; \d+ spooled batch(es)? left to send$/.exec(line);
      if (up !== null) return `up ${up[1]}`;
      const replay = /^\[langchain-otel\] \d+ (traces|logs) batches left in \S+ by an earlier process are sent to \S+ first$/.exec(line);
      if (replay !== null) return `replay ${replay[1]}`;
      return line;
    });
}

/** Whether an app that lost its collector for a while said exactly what it should: once down, then perhaps back. */
export function saidCollectorWasDown(stderr: string): boolean {
  const kinds = loudLines(stderr);
  return kinds[0] === "down" && kinds.filter((k) => k === "down").length === 1 && kinds.slice(1).every((k) => k === "up traces" || k === "up logs");
}
