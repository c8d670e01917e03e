// SPDX-License-Identifier: Apache-2.0
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { CommandIo } from "../output.js";
import { collectTrailView } from "../report/collect.js";
import { plural } from "../report/format.js";
import { VIEW_OPTIONS, VIEW_OPTIONS_HELP, viewOptions } from "../report/options.js";
import { renderPage } from "../report/page.js";
import { expandPaths } from "../trail/paths.js";
import { progressFor } from "../trail/progress.js";
import { UsageError, parseCommandArgs } from "../usage.js";

export const REPORT_HELP = `Usage: langchain-otel-audit report --html <out> [options] [file|dir]...

Writes the trail as one self-contained HTML page (style and script inline; it loads nothing and sends nothing):
  - the verify verdict over every file on top (OK, or what failed; signed or not),
  - the sessions, with their users, tenants, runs, errors, tokens and cost,
  - per trace a waterfall timeline of its runs drawn as a tree (type, name, model, status, duration, tokens),
  - click a run for its attributes, payloads (as the trail holds them: already filtered by the content
    policy), redaction counts, events and audit records (file:line, audit.seq).
Errors and runs that never ended stand out; loss records (telemetry the process could not write) are listed
on top. Paths default to the current directory. Open the file in any browser.

Options:
  --html <out>      the file to write ('-': standard output)
${VIEW_OPTIONS_HELP}
  --progress        report bytes read on stderr every second (default: when stderr is a terminal)
  -h, --help        show this help

Exit status: 0 when written (whatever the verdict: it is in the page), 1 when nothing matched --session or
--trace, 2 on a usage error or a file that could not be read.
`;

export async function reportCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, { html: { type: "string" }, progress: { type: "boolean" }, ...VIEW_OPTIONS });
  if (parsed.help) {
    io.stdout.write(REPORT_HELP);
    return 0;
  }
  const out = parsed.values["html"];
  if (typeof out !== "string" || out === "") throw new UsageError("report needs --html <out> (the file to write, or - for standard output)");
  const { selection, maxRuns } = viewOptions(parsed.values);
  const paths = parsed.positionals.length === 0 ? ["."] : parsed.positionals;
  const files = await expandPaths(paths);
  const progress = progressFor(files, parsed.values["progress"] === true, io.stderr);
  const view = await collectTrailView(paths, files, { selection, maxRuns, progress });
  if (selection !== undefined && view.traces.length === 0) {
    io.stderr.write(`no runs found for ${selection.kind} ${selection.id}\n`);
    return 1;
  }
  const page = renderPage(view);
  const runs = view.traces.reduce((n, t) => n + t.runs.length, 0);
  const verdict = view.verify.ok ? "verify OK" : "verify FAILED (see the page's banner)";
  const summary = `${plural(view.sessions.filter((s) => s.id !== undefined).length, "session")}, ${plural(view.traces.length, "trace")}, ${plural(runs, "run")}; ${verdict}`;
  if (out === "-") {
    io.stdout.write(page);
    io.stderr.write(`${summary}\n`);
    return 0;
  }
  await writeFile(out, page);
  io.stdout.write(`wrote ${out}: ${summary}\nopen ${pathToFileURL(path.resolve(out)).href}\n`);
  return 0;
}
