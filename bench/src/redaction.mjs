// SPDX-License-Identifier: Apache-2.0
// Redaction under hostile input: engine throughput and linear scaling per generator, and the slow cases
// through a prompt | model | parser chain. Each measurement runs in a fresh Node (redaction-child.mjs) with a time
// cap, so a quadratic case shows up as "> cap" instead of stalling the bench.
//   node bench/src/redaction.mjs [--quick] [--generators a,b] [--no-chain]    (pnpm bench runs it too)
import { runChild } from "./runner.mjs";

const MB = 1024 * 1024;
const KB = 1024;

/** The cases: what a user typing into a chat box can send through a plain chain. */
export const CHAIN_CASES = [
  { label: "100 KB of eyJ-", generator: "eyJ- repeated (issue: JWT rescans the run)", size: 100 * KB },
  { label: "200 KB of eyJ-", generator: "eyJ- repeated (issue: JWT rescans the run)", size: 200 * KB },
  { label: "1 MB of eyJ-", generator: "eyJ- repeated (issue: JWT rescans the run)", size: MB },
  { label: "1 MB of e-mails and phones", generator: "emails and phones mixed (issue)", size: MB },
  { label: "1 MB of cards and e-mails", generator: "cards and emails mixed (issue)", size: MB },
  { label: "5 MB CSV", generator: "CSV tool output (issue)", size: 5 * MB },
];

/**
 * Per generator: best-of-`repeats` time of `Redactor.redactString` on 100 KB and 1 MB, each after `warmups` untimed
 * calls on the same input (the engine on an unbounded string, no payload budget), the ratio 1 MB ÷ 100 KB (linear
 * ≈ 10), and MB/s at 1 MB.
 */
export async function measureEngine({ generators, warmups = 3, repeats = 5, capMillis = 60_000, log = () => {} }) {
  const rows = [];
  for (const name of generators) {
    const result = await runChild(
      "redaction-child.mjs",
      { kind: "engine", generator: name, sizes: [100 * KB, MB], warmups, repeats },
      { nodeFlags: ["--expose-gc"], timeoutMillis: capMillis },
    );
    if (result.error !== undefined) {
      rows.push({ generator: name, error: result.error.includes("SIGKILL") ? `> ${capMillis / 1000} s` : result.error });
    } else {
      const small = result.millis[100 * KB];
      const large = result.millis[MB];
      rows.push({ generator: name, smallMillis: small, largeMillis: large, ratio: large / small, mbPerSecond: 1 / (large / 1000) });
    }
    log(`redaction: ${name}: ${describeRow(rows.at(-1))}`);
  }
  return rows;
}

/** Each chain case traced (default options) and untraced, one invoke each in a fresh process. */
export async function measureChain({ cases = CHAIN_CASES, capMillis = 120_000, log = () => {} }) {
  const rows = [];
  for (const c of cases) {
    const row = { label: c.label };
    for (const traced of [false, true]) {
      const result = await runChild(
        "redaction-child.mjs",
        { kind: "chain", traced, input: { generator: c.generator, size: c.size } },
        { nodeFlags: ["--expose-gc"], timeoutMillis: capMillis },
      );
      row[traced ? "traced" : "untraced"] =
        result.error === undefined ? result.millis : result.error.includes("SIGKILL") ? `> ${capMillis / 1000} s` : result.error;
    }
    rows.push(row);
    log(`redaction: chain ${c.label}: untraced ${fmtMillis(row.untraced)}, traced ${fmtMillis(row.traced)}`);
  }
  return rows;
}

function fmtMillis(value) {
  return typeof value === "number" ? `${value < 10 ? value.toFixed(2) : value.toFixed(0)} ms` : String(value);
}

function describeRow(row) {
  if (row.error !== undefined) return row.error;
  return `100 KB ${fmtMillis(row.smallMillis)}, 1 MB ${fmtMillis(row.largeMillis)}, ratio ${row.ratio.toFixed(1)}, ${row.mbPerSecond.toFixed(1)} MB/s`;
}

/** Markdown section for BENCHMARKS.md. */
export function redactionSection({ engine, chain }) {
  const lines = ["## Redaction under hostile input", ""];
  if (engine === undefined && chain === undefined) return [...lines, "Not run (`--no-redaction`).", ""];
  if (engine !== undefined) {
    const ok = engine.filter((r) => r.error === undefined);
    const realistic = ok.find((r) => r.generator === "realistic prose");
    const worst = ok.reduce((a, b) => (a === undefined || b.mbPerSecond < a.mbPerSecond ? b : a), undefined);
    const maxRatio = ok.reduce((m, r) => Math.max(m, r.ratio), 0);
    lines.push(
      "`Redactor.redactString` on one string of 100 KB and of 1 MB per generator " +
        "(`packages/instrumentation/test/redaction/generators.ts`), best of 5 CPU times after 3 untimed calls, in a fresh process; no payload budget " +
        "(a payload attribute is cut to `maxPayloadBytes` before it is scanned, so this is the engine alone).",
      "",
      `Throughput at 1 MB: realistic text ${realistic ? realistic.mbPerSecond.toFixed(1) : "–"} MB/s; ` +
        `worst generator (${worst ? worst.generator : "–"}) ${worst ? worst.mbPerSecond.toFixed(1) : "–"} MB/s. ` +
        `Largest 1 MB ÷ 100 KB ratio: ${maxRatio.toFixed(1)} (linear is 10; the unit test's limit is 15).`,
      "",
      "| generator | 100 KB ms | 1 MB ms | ratio | MB/s at 1 MB |",
      "|---|---|---|---|---|",
      ...engine.map((r) =>
        r.error !== undefined
          ? `| ${r.generator} | ${r.error} | | | |`
          : `| ${r.generator} | ${r.smallMillis.toFixed(2)} | ${r.largeMillis.toFixed(1)} | ${r.ratio.toFixed(1)} | ${r.mbPerSecond.toFixed(1)} |`,
      ),
      "",
    );
  }
  if (chain !== undefined) {
    lines.push(
      "The issue's cases: one `invoke` of `prompt | FakeListChatModel | StringOutputParser` with the input as the " +
        "question, untraced and with `OpenTelemetryCallbackHandler` (default options: policy `redacted`), one fresh process each.",
      "",
      "| input | untraced | traced (redacted) |",
      "|---|---|---|",
      ...chain.map((r) => `| ${r.label} | ${fmtMillis(r.untraced)} | ${fmtMillis(r.traced)} |`),
      "",
    );
  }
  return lines;
}

async function main() {
  const { parseArgs } = await import("node:util");
  const { GENERATORS } = await import("../../packages/instrumentation/test/redaction/generators.ts");
  const { values: args } = parseArgs({
    options: {
      generators: { type: "string" },
      "no-chain": { type: "boolean", default: false },
      "no-engine": { type: "boolean", default: false },
      "cap-seconds": { type: "string" },
    },
  });
  const log = (line) => process.stderr.write(`${line}\n`);
  const capMillis = Number(args["cap-seconds"] ?? 60) * 1000;
  const generators = args.generators ? args.generators.split(",") : GENERATORS.map((g) => g.name);
  const engine = args["no-engine"] ? undefined : await measureEngine({ generators, capMillis, log });
  const chain = args["no-chain"] ? undefined : await measureChain({ capMillis: capMillis * 2, log });
  process.stdout.write(`${redactionSection({ engine, chain }).join("\n")}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
