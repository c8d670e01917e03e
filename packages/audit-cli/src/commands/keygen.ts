// SPDX-License-Identifier: Apache-2.0
import { chmod, mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { generateSigningKeyPair } from "@langchain-otel/node/integrity";
import type { CommandIo } from "../output.js";
import { UsageError, parseCommandArgs } from "../usage.js";

/** The private key file keygen writes (PKCS#8 PEM, mode 0600): the distro's `LANGCHAIN_OTEL_SIGNING_KEY_FILE`. */
export const PRIVATE_KEY_FILE = "audit-signing.key";
/** The public key file keygen writes (SPKI PEM): what `verify --public-key` trusts. */
export const PUBLIC_KEY_FILE = "audit-signing.pub";

export const KEYGEN_HELP = `Usage: langchain-otel-audit keygen --out <dir>

Makes an Ed25519 key pair for signing audit checkpoints:
  <dir>/${PRIVATE_KEY_FILE}  the private key (PKCS#8 PEM, mode 0600): give it to the app as
                             LANGCHAIN_OTEL_SIGNING_KEY_FILE; keep it off the machines that hold the trail
  <dir>/${PUBLIC_KEY_FILE}  the public key (SPKI PEM): give it to verify --public-key
The directory is created (mode 0700) if missing; existing key files are never overwritten.

Options:
  --out <dir>   where to write the two files (required)
  -h, --help    show this help

Exit status: 0 when written; 2 on a usage error, an existing key file or a directory that cannot be written.
`;

export async function keygenCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, { out: { type: "string" } });
  if (parsed.help) {
    io.stdout.write(KEYGEN_HELP);
    return 0;
  }
  const out = parsed.values["out"];
  if (typeof out !== "string" || out === "") throw new UsageError("keygen needs --out <dir>");
  if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`);
  await mkdir(out, { recursive: true, mode: 0o700 });
  const privateFile = path.join(out, PRIVATE_KEY_FILE);
  const publicFile = path.join(out, PUBLIC_KEY_FILE);
  const pair = generateSigningKeyPair();
  // "wx": never through an existing file or symlink; the private key is 0600 from its first byte.
  await writeNew(privateFile, pair.privateKeyPem, 0o600);
  try {
    await writeNew(publicFile, pair.publicKeyPem, 0o644);
  } catch (err) {
    await rm(privateFile, { force: true });
    throw err;
  }
  io.stdout.write(
    [
      `key ID ${pair.keyId}`,
      `private key ${privateFile} (0600): run the app with LANGCHAIN_OTEL_SIGNING_KEY_FILE=${privateFile}`,
      `public key  ${publicFile}: verify with langchain-otel-audit verify --public-key ${publicFile} <trail dir>`,
      "",
    ].join("\n"),
  );
  return 0;
}

async function writeNew(file: string, text: string, mode: number): Promise<void> {
  try {
    await writeFile(file, text, { flag: "wx", mode });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") throw new UsageError(`${file} already exists: keygen never overwrites a key; choose another --out or move it away`);
    throw err;
  }
  // The umask may have taken bits off, never added any: set exactly what was asked.
  await chmod(file, mode);
}
