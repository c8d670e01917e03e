// SPDX-License-Identifier: Apache-2.0
import { parseArgs, type ParseArgsConfig } from "node:util";

/** A command line the CLI cannot run: exit status 2, with the message and a pointer to `--help`. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** What {@link parseCommandArgs} found: the options, the positionals, and whether `--help` was asked for. */
export interface ParsedArgs {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
  readonly help: boolean;
}

/**
 * Parses a command's arguments with `node:util` `parseArgs` (strict: an unknown option or a missing value is a
 * usage error) and adds `--help` / `-h`.
 *
 * @throws {UsageError} naming the offending argument.
 */
export function parseCommandArgs(args: readonly string[], options: Options): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    const plain = values as Record<string, string | boolean | string[] | undefined>;
    return { values: plain, positionals, help: plain["help"] === true };
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** A positive integer option, or its default. @throws {UsageError} for anything else. */
export function positiveInteger(value: string | boolean | string[] | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}
