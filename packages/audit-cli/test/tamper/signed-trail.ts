// SPDX-License-Identifier: Apache-2.0
import { generateSigningKeyPair, signingKeyFromPem, verifyKeyFromPem, type SigningKey, type VerifyKey } from "@langchain-otel/node/integrity";
import { expandPaths } from "../../src/trail/paths.js";
import { verifyTrail, type VerifyReport } from "../../src/verify/verify-trail.js";
import { AGENT_RUN, LATE_RUN, SHORT_RUN, writeTrail } from "../scenario.js";

/** A key pair for a test: the writer's private key and the verifier's trusted public key. */
export interface TestKeys {
  readonly signing: SigningKey;
  readonly trusted: VerifyKey;
}

export function testKeys(): TestKeys {
  const pair = generateSigningKeyPair();
  return { signing: signingKeyFromPem(pair.privateKeyPem), trusted: verifyKeyFromPem(pair.publicKeyPem) };
}

/**
 * The signed trail the tampering table starts from: three runs (traces seq 1..6, logs 1..12 plus checkpoints), a
 * checkpoint every 4 records, sealed as at a clean exit (unless `sealed` is false: a process killed).
 */
export function writeSignedTrail(dir: string, key: SigningKey, { sealed = true }: { sealed?: boolean } = {}) {
  return writeTrail(dir, [[AGENT_RUN], [SHORT_RUN], [LATE_RUN]], undefined, { signing: { key, checkpointRecords: 4 }, sealed });
}

/** verify of a directory, in-process, with or without trusted keys and anchors. */
export async function verifyDir(dir: string, options: { keys?: VerifyKey[]; anchors?: string[] } = {}): Promise<VerifyReport> {
  const files = await expandPaths([dir]);
  const anchors = options.anchors === undefined ? [] : await expandPaths(options.anchors, { anyName: true });
  return verifyTrail(files, { keys: options.keys, anchors });
}
