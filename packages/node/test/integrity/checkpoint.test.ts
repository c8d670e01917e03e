// SPDX-License-Identifier: Apache-2.0
import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  checkpointAttributes,
  checkpointFromAttributes,
  checkpointMessage,
  checkpointSignatureValid,
  generateSigningKeyPair,
  keyIdOf,
  signCheckpoint,
  signingKeyFromPem,
  verifyKeyFromPem,
  type CheckpointFields,
} from "../../src/integrity/index.js";
import {
  VECTOR_CHECKPOINT,
  VECTOR_CHECKPOINT_MESSAGE,
  VECTOR_CHECKPOINT_SIGNATURE,
  VECTOR_KEY_ID,
  VECTOR_PRIVATE_KEY_PEM,
  VECTOR_PUBLIC_KEY_PEM,
} from "./fixtures.js";

const key = signingKeyFromPem(VECTOR_PRIVATE_KEY_PEM);
const trusted = verifyKeyFromPem(VECTOR_PUBLIC_KEY_PEM);
const fields: CheckpointFields = VECTOR_CHECKPOINT;

describe("checkpoint signatures", () => {
  it("spells out the test vector: key ID, signed message and signature", () => {
    expect([key.keyId, trusted.keyId]).toEqual([VECTOR_KEY_ID, VECTOR_KEY_ID]);
    expect(checkpointMessage(fields).toString("utf8")).toBe(VECTOR_CHECKPOINT_MESSAGE);
    expect(signCheckpoint(fields, key)).toBe(VECTOR_CHECKPOINT_SIGNATURE);
    expect(checkpointSignatureValid({ fields, signature: VECTOR_CHECKPOINT_SIGNATURE }, trusted)).toBe(true);
  });

  it.each<[string, Partial<CheckpointFields>]>([
    ["instance", { instance: "another-instance" }],
    ["chain", { chain: "" }],
    ["signal", { signal: "logs" }],
    ["index", { index: 2 }],
    ["first seq", { first: 2, last: 2 }],
    ["last seq", { last: 2 }],
    ["head", { head: "0".repeat(64) }],
    ["previous signature", { prev: VECTOR_CHECKPOINT_SIGNATURE }],
    ["kind", { kind: "seal" }],
    ["key ID", { keyId: "0000000000000000" }],
    ["time", { time: "2026-11-24T10:00:05.001Z" }],
  ])("fails when the %s is changed", (_name, change) => {
    expect(checkpointSignatureValid({ fields: { ...fields, ...change }, signature: VECTOR_CHECKPOINT_SIGNATURE }, trusted)).toBe(false);
  });

  it("fails for another key's signature and for a malformed signature, without throwing", () => {
    const other = generateSigningKeyPair();
    const otherSignature = signCheckpoint(fields, signingKeyFromPem(other.privateKeyPem));
    expect(checkpointSignatureValid({ fields, signature: otherSignature }, trusted)).toBe(false);
    expect(checkpointSignatureValid({ fields, signature: otherSignature }, verifyKeyFromPem(other.publicKeyPem))).toBe(true);
    for (const signature of ["", "AAAA", VECTOR_CHECKPOINT_SIGNATURE.replace("==", "="), "!".repeat(88)]) {
      expect(checkpointSignatureValid({ fields, signature }, trusted)).toBe(false);
    }
  });

  it("reads back what it writes as record attributes, and as the SIEM's string params", () => {
    const attributes = checkpointAttributes({ fields, signature: VECTOR_CHECKPOINT_SIGNATURE });
    expect(attributes).toEqual({
      "audit.checkpoint.signal": "traces",
      "audit.checkpoint.chain": VECTOR_CHECKPOINT.chain,
      "audit.checkpoint.index": 1,
      "audit.checkpoint.first_seq": 1,
      "audit.checkpoint.last_seq": 1,
      "audit.checkpoint.head": VECTOR_CHECKPOINT.head,
      "audit.checkpoint.prev": "",
      "audit.checkpoint.kind": "checkpoint",
      "audit.checkpoint.key_id": VECTOR_KEY_ID,
      "audit.checkpoint.time": "2026-11-24T10:00:05.000Z",
      "audit.checkpoint.signature": VECTOR_CHECKPOINT_SIGNATURE,
    });
    const get = (name: string) => attributes[name] as string | number | undefined;
    expect(checkpointFromAttributes(get, VECTOR_CHECKPOINT.instance)).toEqual({ fields, signature: VECTOR_CHECKPOINT_SIGNATURE });
    const asStrings = (name: string) => (attributes[name] === undefined ? undefined : String(attributes[name]));
    expect(checkpointFromAttributes(asStrings, VECTOR_CHECKPOINT.instance)).toEqual({ fields, signature: VECTOR_CHECKPOINT_SIGNATURE });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["signal", { "audit.checkpoint.signal": "metrics" }, "audit.checkpoint.signal is not traces or logs"],
    ["index", { "audit.checkpoint.index": 0 }, "audit.checkpoint.index is not a positive integer"],
    ["range", { "audit.checkpoint.first_seq": 5 }, "audit.checkpoint.first_seq / audit.checkpoint.last_seq are not a seq range"],
    ["kind", { "audit.checkpoint.kind": "final" }, "audit.checkpoint.kind is not checkpoint or seal"],
    ["head", { "audit.checkpoint.head": "ABC" }, "audit.checkpoint.head is not 64 lower-case hex digits"],
    ["key ID", { "audit.checkpoint.key_id": undefined }, "audit.checkpoint.key_id is not 16 lower-case hex digits"],
    ["time", { "audit.checkpoint.time": "yesterday" }, "audit.checkpoint.time is not an ISO 8601 UTC time"],
    ["signature", { "audit.checkpoint.signature": "abc" }, "audit.checkpoint.signature is not a base64 Ed25519 signature"],
  ])("names a malformed %s", (_name, change, error) => {
    const attributes: Record<string, unknown> = { ...checkpointAttributes({ fields, signature: VECTOR_CHECKPOINT_SIGNATURE }), ...change };
    expect(checkpointFromAttributes((n) => attributes[n] as string | undefined, "i")).toEqual({ error });
  });
});

describe("signing keys", () => {
  it("names a key by the SHA-256 of its SPKI DER, as openssl computes it", () => {
    expect(keyIdOf(trusted.publicKey)).toBe(VECTOR_KEY_ID);
    const pair = generateSigningKeyPair();
    expect(pair.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(signingKeyFromPem(pair.privateKeyPem).keyId).toBe(pair.keyId);
    expect(verifyKeyFromPem(pair.publicKeyPem).keyId).toBe(pair.keyId);
    expect(pair.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(pair.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
  });

  it("refuses what is not an Ed25519 key of the right kind, saying what it is", () => {
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });
    expect(() => signingKeyFromPem(rsa.privateKey.export({ type: "pkcs8", format: "pem" }))).toThrow("the private key is an rsa key, not Ed25519");
    expect(() => verifyKeyFromPem(rsa.publicKey.export({ type: "spki", format: "pem" }))).toThrow("the public key is an rsa key, not Ed25519");
    expect(() => signingKeyFromPem("not a key")).toThrow(/^not a PEM private key/);
    expect(() => verifyKeyFromPem(VECTOR_PRIVATE_KEY_PEM)).toThrow("this is a private key: give the public key (audit-signing.pub)");
    expect(() => verifyKeyFromPem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")).toThrow(/^not a PEM public key/);
  });
});
