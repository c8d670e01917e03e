// SPDX-License-Identifier: Apache-2.0
import { readFileSync } from "node:fs";
import { EXPORT_HELP, exportCommand } from "./commands/export.js";
import { REPORT_HELP, reportCommand } from "./commands/report.js";
import { SERVE_HELP, serveCommand } from "./commands/serve.js";
import { KEYGEN_HELP, keygenCommand } from "./commands/keygen.js";
import { SESSIONS_HELP, sessionsCommand } from "./commands/sessions.js";
import { SHOW_HELP, showCommand } from "./commands/show.js";
import { VERIFY_HELP, verifyCommand } from "./commands/verify.js";
import type { CommandIo } from "./output.js";
import { UsageError } from "./usage.js";

const NAME = "langchain-otel-audit";

export const MAIN_HELP = `Usage: ${NAME} <command> [options] [file|dir]...

Reads langchain-otel audit trails: the OTLP/JSON lines files (traces*.jsonl, logs*.jsonl, rotated backups) the
OpenTelemetry Collector's file exporter or the embedded file exporter wrote.

Commands:
  verify <file|dir>...    check the audit chains (audit.seq, audit.hash, signed checkpoints) and run starts without an end
  keygen --out <dir>      make the Ed25519 key pair that signs audit checkpoints
  sessions [file|dir]...  one line per session: user, tenant, time span, runs, errors, tokens
  show [file|dir]...      the run tree of a session, trace or run (--session, --trace, --run)
  export [file|dir]...    one flat event per audit record, as NDJSON or CSV, for a SIEM
  report --html <out> [file|dir]...
                          the trail as one self-contained HTML page: verdict, sessions, run waterfalls
  serve [file|dir]...     the same page on http://127.0.0.1:<port>/, reloading as the files change

Run '${NAME} <command> --help' for a command's options. '${NAME} --version' prints the version.
`;

type Command = (args: readonly string[], io: CommandIo) => Promise<number>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  verify: { run: verifyCommand, help: VERIFY_HELP },
  sessions: { run: sessionsCommand, help: SESSIONS_HELP },
  show: { run: showCommand, help: SHOW_HELP },
  export: { run: exportCommand, help: EXPORT_HELP },
  report: { run: reportCommand, help: REPORT_HELP },
  serve: { run: serveCommand, help: SERVE_HELP },
  keygen: { run: keygenCommand, help: KEYGEN_HELP },
};

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

/**
 * Runs the CLI with `argv` (without node and the script) and returns the exit status: 0 done (verify: clean),
 * 1 problems found or nothing matched, 2 usage error or a file that could not be read.
 */
export async function main(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === "--help" || name === "-h") {
    io.stdout.write(MAIN_HELP);
    return 0;
  }
  if (name === "--version") {
    io.stdout.write(version() + "\n");
    return 0;
  }
  if (name === "help") {
    const topic = args[0] === undefined ? undefined : COMMANDS[args[0]];
    io.stdout.write(topic?.help ?? MAIN_HELP);
    return 0;
  }
  const command = name === undefined ? undefined : Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (command === undefined) {
    io.stderr.write(name === undefined ? MAIN_HELP : `${NAME}: unknown command ${JSON.stringify(name)}\n\n${MAIN_HELP}`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`${NAME} ${name}: ${err.message}\nRun '${NAME} ${name} --help' for usage.\n`);
      return 2;
    }
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === "string") {
      io.stderr.write(`${NAME} ${name}: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}
