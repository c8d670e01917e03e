// SPDX-License-Identifier: Apache-2.0
/**
 * HMAC-SHA-256 (RFC 2104) in lower-case hex, the same digest as `createHmac("sha256", key)`, without an Hmac
 * object per call: every payload under policy `none`, every truncation marker under `redacted` and every pseudonym
 * is one keyed digest, and constructing an Hmac (a native object and the key schedule) costs more than hashing a
 * short text. Here the key's inner and outer blocks are made once per key, and a digest is two one-shot
 * `crypto.hash` calls over a reused buffer. {@link sizedSha256} is the unkeyed digest of a cut payload under `full`,
 * over the same kind of reused buffer.
 */

import { Buffer } from "node:buffer";
import { createHmac, hash, type KeyObject } from "node:crypto";

/** SHA-256's block size in bytes: the key is padded (or first hashed) to it. */
const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;
const INNER_PAD = 0x36;
const OUTER_PAD = 0x5c;
/**
 * The largest reused input buffer, per key: a text whose UTF-8 form could be longer (3 bytes per code unit at most)
 * is digested by a fresh Hmac instead, so no large buffer outlives the call that needed it.
 */
const MAX_REUSED_BYTES = 256 * 1024;

/** A keyed digest with the UTF-8 size of the text it digested (which the digest had to encode anyway). */
export interface SizedDigest {
  hex: string;
  bytes: number;
}

class KeyedSha256 {
  private readonly _key: KeyObject;
  // The inner block (key ⊕ ipad) followed by the text being digested.
  private _input: Buffer;
  // The outer block (key ⊕ opad) followed by the inner digest.
  private readonly _outer: Buffer;
  private readonly _innerBlock: Buffer;

  constructor(key: KeyObject) {
    this._key = key;
    let raw = key.export();
    if (raw.length > BLOCK_BYTES) raw = hash("sha256", raw, "buffer");
    this._innerBlock = Buffer.alloc(BLOCK_BYTES, INNER_PAD);
    this._outer = Buffer.alloc(BLOCK_BYTES + DIGEST_BYTES);
    this._outer.fill(OUTER_PAD, 0, BLOCK_BYTES);
    for (let i = 0; i < raw.length; i++) {
      this._innerBlock[i]! ^= raw[i]!;
      this._outer[i]! ^= raw[i]!;
    }
    this._input = this._withInnerBlock(BLOCK_BYTES + 1024);
  }

  private _withInnerBlock(size: number): Buffer {
    const input = Buffer.alloc(size);
    this._innerBlock.copy(input, 0);
    return input;
  }

  digest(text: string): SizedDigest {
    const worstBytes = text.length * 3;
    if (worstBytes > MAX_REUSED_BYTES) {
      return { hex: createHmac("sha256", this._key).update(text, "utf8").digest("hex"), bytes: Buffer.byteLength(text, "utf8") };
    }
    if (BLOCK_BYTES + worstBytes > this._input.length) this._input = this._withInnerBlock(BLOCK_BYTES + worstBytes);
    // Lone surrogates are written as U+FFFD, as `Hmac.update(text, "utf8")` encodes them.
    const bytes = this._input.write(text, BLOCK_BYTES, "utf8");
    // Hex, then back to bytes: cheaper than asking `hash` for a Buffer.
    this._outer.write(hash("sha256", this._input.subarray(0, BLOCK_BYTES + bytes), "hex"), BLOCK_BYTES, "hex");
    // The text may be a payload the policy keeps in the process: no copy of it outlives the call.
    this._input.fill(0, BLOCK_BYTES, BLOCK_BYTES + bytes);
    return { hex: hash("sha256", this._outer, "hex"), bytes };
  }
}

// The UTF-8 form of the text being digested by sizedSha256, reused (zeroed after each use).
let plainInput = Buffer.alloc(1024);

/**
 * SHA-256 of `text` (UTF-8, lone surrogates as U+FFFD) in lower-case hex, with its UTF-8 size, from one encoding
 * of it: a cut payload's marker needs both, and counting the bytes, then hashing the string (which encodes it
 * again into a fresh buffer) costs a second pass over a text that can be large.
 */
export function sizedSha256(text: string): SizedDigest {
  const worstBytes = text.length * 3;
  if (worstBytes > MAX_REUSED_BYTES) {
    const encoded = Buffer.from(text, "utf8");
    return { hex: hash("sha256", encoded, "hex"), bytes: encoded.length };
  }
  if (worstBytes > plainInput.length) plainInput = Buffer.alloc(worstBytes);
  const bytes = plainInput.write(text, 0, "utf8");
  const hex = hash("sha256", plainInput.subarray(0, bytes), "hex");
  // As for keyed digests: no copy of a payload outlives the call.
  plainInput.fill(0, 0, bytes);
  return { hex, bytes };
}

const byKey = new WeakMap<KeyObject, KeyedSha256>();

function keyed(key: KeyObject): KeyedSha256 {
  let keyedHash = byKey.get(key);
  if (keyedHash === undefined) byKey.set(key, (keyedHash = new KeyedSha256(key)));
  return keyedHash;
}

/** HMAC-SHA-256 of `text` (UTF-8) under the secret `key`, lower-case hex. */
export function hmacSha256Hex(key: KeyObject, text: string): string {
  return keyed(key).digest(text).hex;
}

/** {@link hmacSha256Hex} and the UTF-8 byte length of `text`, from one encoding of it. */
export function sizedHmacSha256(key: KeyObject, text: string): SizedDigest {
  return keyed(key).digest(text);
}
