// SPDX-License-Identifier: Apache-2.0
// The audit CLI (`langchain-otel-audit`, packages/audit-cli) run as a user runs it: `node packages/audit-cli/dist/bin.js`.
import path from "node:path";
import { REPO_ROOT } from "../../collector-config/scripts/stack.mjs";
import { type NodeRun, runNode } from "./child.ts";

export const AUDIT_CLI = path.join(REPO_ROOT, "packages", "audit-cli", "dist", "bin.js");

/** `langchain-otel-audit <args>`; resolves with its exit status and output (never rejects on a non-zero exit). */
export function auditCli(args: string[], { timeoutMillis = 60_000 }: { timeoutMillis?: number } = {}): Promise<NodeRun> {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.NODE_OPTIONS;
  return runNode([AUDIT_CLI, ...args], { cwd: REPO_ROOT, env, timeoutMillis });
}

/** One chain of `verify --json`: the records of one `service.instance.id` and signal. */
export interface VerifyChain {
  instance: string;
  /** `audit.chain`: one per process. */
  chain: string;
  signal: "traces" | "logs";
  records: number;
  duplicates: number;
  unstamped: number;
  firstSeq: number;
  lastSeq: number;
  gaps: { from: number; to: number }[];
  hashMismatches: number;
  mismatches: { file: string; line: number; seq: number; reason: string }[];
  unverified: number;
}

/** The report `verify --json` prints (the fields the tests read). */
export interface VerifyReport {
  ok: boolean;
  files: number;
  lines: number;
  chains: VerifyChain[];
  malformedLines: number;
  unmatchedStarts: unknown[];
  endsWithoutStart: number;
  problems: { gaps: number; hashMismatches: number; unverified: number; malformedLines: number; unmatchedStarts: number; recordedLosses: number };
}

/** The problems of a clean trail, as `verify --json` counts them. */
export const NO_PROBLEMS = { gaps: 0, hashMismatches: 0, unverified: 0, malformedLines: 0, unmatchedStarts: 0, recordedLosses: 0 };

/** `verify --json <paths>`: the exit status and the parsed report (undefined when stdout is not one JSON document). */
export async function verifyJson(paths: string[], options: { timeoutMillis?: number } = {}): Promise<{ run: NodeRun; report: VerifyReport | undefined }> {
  const run = await auditCli(["verify", "--json", ...paths], options);
  let report: VerifyReport | undefined;
  try {
    report = JSON.parse(run.stdout) as VerifyReport;
  } catch {
    report = undefined;
  }
  return { run, report };
}

/** The chain of `instance` and `signal` in a verify report, if any. */
export function chainOf(report: VerifyReport | undefined, instance: string, signal: "traces" | "logs"): VerifyChain | undefined {
  return report?.chains.find((c) => c.instance === instance && c.signal === signal);
}

/**
 * What a test asserts of a clean chain: every seq from 1 to `records` present once (repeats counted apart), no
 * gap, no mismatch, nothing left unverified.
 */
export function chainSummary(chain: VerifyChain | undefined): Record<string, unknown> | undefined {
  if (chain === undefined) return undefined;
  return {
    records: chain.records,
    firstSeq: chain.firstSeq,
    lastSeq: chain.lastSeq,
    gaps: chain.gaps,
    hashMismatches: chain.hashMismatches,
    unverified: chain.unverified,
    unstamped: chain.unstamped,
  };
}

/** Both chains of one instance, as {@link chainSummary} puts them. */
export function instanceChains(report: VerifyReport | undefined, instance: string | undefined) {
  return {
    traces: chainSummary(chainOf(report, String(instance), "traces")),
    logs: chainSummary(chainOf(report, String(instance), "logs")),
  };
}

/** The {@link chainSummary} of a complete chain of `records` items: seq 1..records, no gap, all verified. */
export function completeChain(records: number): Record<string, unknown> {
  return { records, firstSeq: 1, lastSeq: records, gaps: [], hashMismatches: 0, unverified: 0, unstamped: 0 };
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF line ends) into rows of fields. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      // the LF ends the record
    } else if (c === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else {
      field += c;
    }
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}
