// SPDX-License-Identifier: Apache-2.0
import type { CommandIo } from "../output.js";
import { VIEW_OPTIONS, VIEW_OPTIONS_HELP, viewOptions } from "../report/options.js";
import { startTrailServer } from "../report/server.js";
import { UsageError, parseCommandArgs, type ParsedArgs } from "../usage.js";

export const SERVE_HELP = `Usage: langchain-otel-audit serve [options] [file|dir]...

Serves the page 'report --html' writes on http://127.0.0.1:<port>/ (loopback only), rebuilt whenever the
files change: the open page reloads itself within 2 s, keeping the selected session and run. For watching a
trail being written: the local stack's .stack/audit, or an app's ./audit. Paths default to the current
directory; a directory with no .jsonl files yet shows an empty page until they appear. Stop with Ctrl-C.

Options:
  --port <n>        the port on 127.0.0.1 (default 0: a free port; the address is printed)
${VIEW_OPTIONS_HELP}
  -h, --help        show this help

Exit status: 0 when stopped by SIGINT or SIGTERM, 2 on a usage error or a port that is taken.
`;

function port(value: ParsedArgs["values"][string]): number {
  if (value === undefined) return 0;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n > 65_535) throw new UsageError(`--port must be 0..65535, got ${JSON.stringify(value)}`);
  return n;
}

export async function serveCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, { port: { type: "string" }, ...VIEW_OPTIONS });
  if (parsed.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const { selection, maxRuns } = viewOptions(parsed.values);
  const paths = parsed.positionals.length === 0 ? ["."] : parsed.positionals;
  const server = await startTrailServer({
    paths,
    selection,
    maxRuns,
    port: port(parsed.values["port"]),
    onError: (err) => io.stderr.write(`request failed: ${(err as Error).message}\n`),
  });
  io.stdout.write(`serving ${paths.join(" ")} at ${server.url} (Ctrl-C to stop)\n`);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    const stop = (s: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(s);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await server.close();
  io.stdout.write(`stopped (${signal})\n`);
  return 0;
}
