// SPDX-License-Identifier: Apache-2.0
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigurationError } from "@langchain-otel/instrumentation";
import { nonEmptyString, positiveInteger, quote, setting, type Env } from "@langchain-otel/instrumentation/internal";
import { DEFAULT_CHECKPOINT_INTERVAL_MILLIS, DEFAULT_CHECKPOINT_RECORDS } from "./integrity/checkpointer.js";
import { signingKeyFromPem, type SigningKey } from "./integrity/signing-key.js";
import type { LangChainOtelOptions } from "./types.js";

/** The variable naming the checkpoint signing key file. */
export const SIGNING_KEY_FILE_ENV = "LANGCHAIN_OTEL_SIGNING_KEY_FILE";

/** How the audit chains are signed: the key, and how often a checkpoint is written. */
export interface SigningSettings {
  readonly key: SigningKey;
  /** Absolute path of the key file. */
  readonly keyFile: string;
  readonly checkpointRecords: number;
  readonly checkpointIntervalMillis: number;
}

/**
 * The signing settings: undefined without a key file (`signingKeyFile`, `LANGCHAIN_OTEL_SIGNING_KEY_FILE`); else
 * the key read and checked now, so a missing or wrong key stops the start instead of leaving an unsigned trail.
 * A key file other users can read is a warning.
 *
 * @throws {ConfigurationError} naming the option or variable, for a file that cannot be read or is not an
 *   Ed25519 private key in PKCS#8 PEM, and for a bad checkpoint interval.
 */
export function signingSettings(options: LangChainOtelOptions, env: Env, cwd: string, warnings: string[]): SigningSettings | undefined {
  const checkpointRecords = setting(options.checkpointRecords, "checkpointRecords", env, "LANGCHAIN_OTEL_CHECKPOINT_RECORDS", positiveInteger, DEFAULT_CHECKPOINT_RECORDS);
  const checkpointIntervalMillis = setting(
    options.checkpointIntervalMillis,
    "checkpointIntervalMillis",
    env,
    "LANGCHAIN_OTEL_CHECKPOINT_INTERVAL_MILLIS",
    positiveInteger,
    DEFAULT_CHECKPOINT_INTERVAL_MILLIS,
  );
  const given = setting<string | undefined>(options.signingKeyFile, "signingKeyFile", env, SIGNING_KEY_FILE_ENV, nonEmptyString, undefined);
  if (given === undefined) return undefined;
  const source = options.signingKeyFile !== undefined ? "option signingKeyFile" : SIGNING_KEY_FILE_ENV;
  const keyFile = path.resolve(cwd, given);
  let pem: Buffer;
  try {
    pem = readFileSync(keyFile);
  } catch (err) {
    throw new ConfigurationError(`${source}=${quote(given)} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); it must name the audit-signing.key that langchain-otel-audit keygen --out DIR wrote`);
  }
  let key: SigningKey;
  try {
    key = signingKeyFromPem(pem);
  } catch (err) {
    throw new ConfigurationError(
      `${source}=${quote(given)} is not an Ed25519 private key in PKCS#8 PEM (${(err as Error).message}); make one with langchain-otel-audit keygen --out DIR`,
    );
  }
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) warnings.push(`${source}=${quote(given)} can be read by other users (mode 0${mode.toString(8)}); chmod 600 it`);
  return { key, keyFile, checkpointRecords, checkpointIntervalMillis };
}
