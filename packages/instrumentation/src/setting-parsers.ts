// SPDX-License-Identifier: Apache-2.0
import { ConfigurationError } from "./configuration-error.js";

/**
 * The parsers every setting of this package and of the node distro goes through, so an option and its variable
 * are read, checked and reported the same way wherever they are resolved. Each one takes the raw value and its
 * source (`option contentPolicy` or `LANGCHAIN_OTEL_CONTENT_POLICY`) and throws a {@link ConfigurationError}
 * naming the source, the value and what is accepted.
 */

/** The environment as settings read it: a snapshot, never `process.env` itself after startup. */
export type Env = Readonly<Record<string, string | undefined>>;

/** A value as an error message quotes it. */
export const quote = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value));

/** The variable's value, or undefined when it is unset or blank. */
export function fromEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** A copy of the variables settings read (`LANGCHAIN_OTEL_*` and `OTEL_*`), taken once at startup. */
export function envSnapshot(env: NodeJS.ProcessEnv = process.env): Env {
  const snapshot: Record<string, string> = {};
  for (const key of Object.keys(env)) {
    const value = env[key];
    if (value !== undefined && (key.startsWith("LANGCHAIN_OTEL_") || key.startsWith("OTEL_"))) snapshot[key] = value;
  }
  return Object.freeze(snapshot);
}

/** One of `accepted`, compared trimmed and case-insensitively. */
export function oneOf<T extends string>(value: unknown, source: string, accepted: readonly T[]): T {
  const normalized = typeof value === "string" ? value.trim().toLowerCase() : value;
  if (!accepted.includes(normalized as T)) {
    throw new ConfigurationError(`${source}=${quote(value)} is not one of: ${accepted.join(", ")}`);
  }
  return normalized as T;
}

/** A safe integer above zero (a number, or a string of one). */
export function positiveInteger(value: unknown, source: string): number {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value.trim()) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) {
    throw new ConfigurationError(`${source}=${quote(value)} is not a positive integer`);
  }
  return n;
}

/** `true` or `false` (a boolean, or the string in any case). */
export function booleanValue(value: unknown, source: string): boolean {
  if (typeof value === "boolean") return value;
  return oneOf(value, source, ["true", "false"] as const) === "true";
}

/** A string with something in it besides whitespace, as given. */
export function nonEmptyString(value: unknown, source: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ConfigurationError(`${source}=${quote(value)} is not a non-empty string`);
  }
  return value;
}

/** A setting that only a variable sets: its value, parsed, else the default. */
export function envSetting<T>(env: Env, envName: string, parse: (value: unknown, source: string) => T, fallback: T): T {
  const raw = fromEnv(env, envName);
  return raw === undefined ? fallback : parse(raw, envName);
}

/**
 * One setting: the option if given (reported as `option <name>`), else the environment variable, else the default.
 */
export function setting<T>(
  option: unknown,
  optionName: string,
  env: Env,
  envName: string,
  parse: (value: unknown, source: string) => T,
  fallback: T,
): T {
  if (option !== undefined) return parse(option, `option ${optionName}`);
  return envSetting(env, envName, parse, fallback);
}
