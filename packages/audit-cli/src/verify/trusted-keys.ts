// SPDX-License-Identifier: Apache-2.0
import { readFile } from "node:fs/promises";
import { verifyKeyFromPem, type VerifyKey } from "@langchain-otel/node/integrity";
import { UsageError } from "../usage.js";

/** The variable listing trusted public key files (comma-separated), added to every `--public-key`. */
export const VERIFY_KEYS_ENV = "LANGCHAIN_OTEL_VERIFY_KEYS";

/** A trusted key and the file it came from. */
export interface TrustedKey extends VerifyKey {
  readonly file: string;
}

/**
 * The public keys checkpoints may be signed with: each `--public-key` file and each file named in
 * `LANGCHAIN_OTEL_VERIFY_KEYS` (several keys: the old and the new one across a rotation). `undefined` when none
 * is given (verify then checks no signature). A file that cannot be read, or is not an Ed25519 public key in PEM,
 * is a usage error naming it.
 */
export async function loadTrustedKeys(files: readonly string[], env: Readonly<Record<string, string | undefined>>): Promise<TrustedKey[] | undefined> {
  const fromEnv = (env[VERIFY_KEYS_ENV] ?? "")
    .split(",")
    .map((f) => f.trim())
    .filter((f) => f !== "");
  const all = [...files.map((file) => ({ file, source: `--public-key ${file}` })), ...fromEnv.map((file) => ({ file, source: `${VERIFY_KEYS_ENV} ${file}` }))];
  if (all.length === 0) return undefined;
  const keys: TrustedKey[] = [];
  for (const { file, source } of all) {
    let pem: Buffer;
    try {
      pem = await readFile(file);
    } catch (err) {
      throw new UsageError(`${source}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    try {
      const key = verifyKeyFromPem(pem);
      if (!keys.some((k) => k.keyId === key.keyId)) keys.push({ ...key, file });
    } catch (err) {
      throw new UsageError(`${source}: ${(err as Error).message}; give the audit-signing.pub that langchain-otel-audit keygen wrote`);
    }
  }
  return keys;
}
