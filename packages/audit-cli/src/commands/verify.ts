// SPDX-License-Identifier: Apache-2.0
import { expandPaths } from "../trail/paths.js";
import { progressFor } from "../trail/progress.js";
import { LineWriter, type CommandIo } from "../output.js";
import { UsageError, parseCommandArgs, positiveInteger } from "../usage.js";
import { loadTrustedKeys, VERIFY_KEYS_ENV } from "../verify/trusted-keys.js";
import { DEFAULT_MAX_FINDINGS, verifyTrail } from "../verify/verify-trail.js";
import { humanReport } from "../format/verify-text.js";

export const VERIFY_HELP = `Usage: langchain-otel-audit verify [options] <file|dir>...

Verifies a langchain-otel audit trail: the OTLP/JSON lines files the OpenTelemetry Collector's file exporter
(or the embedded file exporter) wrote, from one or several directories (several gateways, rotated backups).
For each chain (service.instance.id, audit.chain and signal) it checks every record's audit.hash, that
audit.seq runs from 1 without gaps, that every record is stamped, that every langchain.run.start record has
a langchain.run.end or langchain.run.error record, and the chain's signed checkpoints (audit.checkpoint
records): each one's range, head hash and link to the previous one. Repeats of a record (same audit.seq, same
audit.hash) are at-least-once deliveries: counted once. Records may be in any order across lines and files.
A langchain.audit.loss record (what the writing process could not write) is a finding; a last line cut off
mid-write (no line feed, not JSON) is skipped with a warning.

Without a public key the trail is tamper-evident only against accidental edits: whoever can write the files
can rewrite them and recompute every hash. With --public-key (or ${VERIFY_KEYS_ENV}) every record must be
covered by a checkpoint signed by a trusted key and every chain must end with its seal; --anchor checks the
trail against checkpoints held elsewhere (the SIEM's file), so deleting the newest files and their checkpoints
is caught too.

A directory stands for its *.jsonl files (traces*.jsonl, logs*.jsonl and rotated backups), read in name order;
each file's signal is read from its content. Files are streamed: memory does not grow with their size.

Options:
  --public-key <file>  a trusted Ed25519 public key (PEM, audit-signing.pub); repeat it for several (key rotation).
                       ${VERIFY_KEYS_ENV}: more key files, comma-separated
  --anchor <file>      checkpoints held elsewhere: a SIEM's RFC 5424 file or OTLP/JSON logs lines; repeatable
  --json               print the report as JSON: every finding with its file:line
  --max-findings <n>   findings listed in the report (default ${DEFAULT_MAX_FINDINGS}; all are counted)
  --progress           report bytes read on stderr every second (default: when stderr is a terminal)
  --window <n>         hashes kept per chain to check late and repeated records (default 131072, 40 bytes each)
  -h, --help           show this help

Exit status: 0 when clean; 1 on any finding (see the package README for each one and what it means); 2 on a
usage error, a file or key that cannot be read.
`;

export async function verifyCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, {
    "public-key": { type: "string", multiple: true },
    anchor: { type: "string", multiple: true },
    json: { type: "boolean" },
    "max-findings": { type: "string" },
    progress: { type: "boolean" },
    window: { type: "string" },
  });
  if (parsed.help) {
    io.stdout.write(VERIFY_HELP);
    return 0;
  }
  if (parsed.positionals.length === 0) throw new UsageError("verify needs at least one file or directory");
  const windowRecords = positiveInteger(parsed.values["window"], "window", 131_072);
  const maxFindings = positiveInteger(parsed.values["max-findings"], "max-findings", DEFAULT_MAX_FINDINGS);
  const keys = await loadTrustedKeys(list(parsed.values["public-key"]), process.env);
  const anchorPaths = list(parsed.values["anchor"]);
  const anchors = anchorPaths.length === 0 ? [] : await expandPaths(anchorPaths, { anyName: true });
  const files = await expandPaths(parsed.positionals);
  const report = await verifyTrail(files, {
    windowRecords,
    maxFindings,
    keys,
    anchors,
    progress: progressFor(files, parsed.values["progress"] === true, io.stderr),
  });

  const out = new LineWriter(io.stdout);
  if (parsed.values["json"] === true) await out.line(JSON.stringify(report, null, 2));
  else for (const line of humanReport(report)) await out.line(line);
  await out.flush();
  return report.ok ? 0 : 1;
}

function list(value: string | boolean | string[] | undefined): string[] {
  return Array.isArray(value) ? value : typeof value === "string" ? [value] : [];
}
