// SPDX-License-Identifier: Apache-2.0
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";

/** The Ed25519 private key that signs checkpoints, and its key ID. */
export interface SigningKey {
  readonly privateKey: KeyObject;
  /** {@link keyIdOf} its public key. */
  readonly keyId: string;
}

/** A public key a verifier trusts, and its key ID. */
export interface VerifyKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;
}

/**
 * The key ID checkpoints name their signing key by: the first 16 hex digits (8 bytes) of the SHA-256 of the
 * public key's SPKI DER encoding, so `openssl pkey -pubin -outform DER | sha256sum` finds it too.
 */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash("sha256").update(publicKey.export({ type: "spki", format: "der" })).digest("hex").slice(0, 16);
}

function requireEd25519(key: KeyObject, what: string): void {
  if (key.asymmetricKeyType !== "ed25519") {
    throw new TypeError(`${what} is a${key.asymmetricKeyType === undefined ? " symmetric" : `n ${key.asymmetricKeyType}`} key, not Ed25519`);
  }
}

/**
 * The signing key in a PKCS#8 PEM text (`-----BEGIN PRIVATE KEY-----`, as `langchain-otel-audit keygen` and
 * `openssl genpkey -algorithm ed25519` write it).
 *
 * @throws {TypeError} when the text is not a PEM private key, or the key is not Ed25519.
 */
export function signingKeyFromPem(pem: string | Buffer): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: pem, format: "pem" });
  } catch (err) {
    throw new TypeError(`not a PEM private key (${(err as Error).message})`);
  }
  requireEd25519(privateKey, "the private key");
  return { privateKey, keyId: keyIdOf(createPublicKey(privateKey)) };
}

/**
 * A trusted public key from an SPKI PEM text (`-----BEGIN PUBLIC KEY-----`, `audit-signing.pub`).
 *
 * @throws {TypeError} when the text is not a PEM public key, or the key is not Ed25519.
 */
export function verifyKeyFromPem(pem: string | Buffer): VerifyKey {
  const text = typeof pem === "string" ? pem : pem.toString("utf8");
  if (text.includes("PRIVATE KEY-----")) throw new TypeError("this is a private key: give the public key (audit-signing.pub)");
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: text, format: "pem" });
  } catch (err) {
    throw new TypeError(`not a PEM public key (${(err as Error).message})`);
  }
  requireEd25519(publicKey, "the public key");
  return { publicKey, keyId: keyIdOf(publicKey) };
}

/** A new Ed25519 key pair as PEM texts: the private key as PKCS#8, the public key as SPKI. */
export function generateSigningKeyPair(): { readonly privateKeyPem: string; readonly publicKeyPem: string; readonly keyId: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKeyPem: publicKey.export({ type: "spki", format: "pem" }).toString(),
    keyId: keyIdOf(publicKey),
  };
}
