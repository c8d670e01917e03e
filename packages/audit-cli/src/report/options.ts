// SPDX-License-Identifier: Apache-2.0
import { UsageError, positiveInteger, type ParsedArgs } from "../usage.js";
import { DEFAULT_MAX_RUNS } from "./collect.js";
import type { Selection } from "./model.js";

/** The options `report` and `serve` share, for `parseCommandArgs`. */
export const VIEW_OPTIONS = {
  session: { type: "string" },
  trace: { type: "string" },
  "max-runs": { type: "string" },
} as const;

/** What `--session`, `--trace` and `--max-runs` ask for. @throws {UsageError} for both selectors, or a bad value. */
export function viewOptions(values: ParsedArgs["values"]): { selection: Selection | undefined; maxRuns: number } {
  const maxRuns = positiveInteger(values["max-runs"], "max-runs", DEFAULT_MAX_RUNS);
  const session = values["session"];
  const trace = values["trace"];
  if (typeof session === "string" && typeof trace === "string") throw new UsageError("give --session or --trace, not both");
  if (typeof session === "string") return { selection: { kind: "session", id: session }, maxRuns };
  if (typeof trace !== "string") return { selection: undefined, maxRuns };
  const hex = trace.replaceAll("-", "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new UsageError(`--trace must be 32 hex digits or a UUID, got ${JSON.stringify(trace)}`);
  return { selection: { kind: "trace", id: hex }, maxRuns };
}

export const VIEW_OPTIONS_HELP = `  --session <id>    only the traces of this session (the verdict still covers every file)
  --trace <id>      only this trace: 32 hex digits, or the root run's UUID
  --max-runs <n>    runs the page holds at most; the newest traces that fit are kept (default ${DEFAULT_MAX_RUNS})`;
