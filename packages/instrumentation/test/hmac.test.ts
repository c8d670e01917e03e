// SPDX-License-Identifier: Apache-2.0
import { createHmac, createSecretKey, hash, type KeyObject } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, sizedHmacSha256, sizedSha256 } from "../src/hmac.js";

const reference = (key: KeyObject, text: string) => createHmac("sha256", key).update(text, "utf8").digest("hex");
const keyOf = (bytes: number) => createSecretKey(Buffer.from(Array.from({ length: bytes }, (_, i) => (i * 37 + 11) & 0xff)));

// Short and long, ASCII and not, well-formed and not (lone surrogates encode as U+FFFD), growing then shrinking (the
// reused buffer keeps bytes of a longer text after a shorter one), and past the reused buffer's limit.
const TEXTS = [
  "",
  "a",
  '{"question":"What is the refund policy?","n":3}',
  "héllo wörld ☃ 😀 中文",
  "lone \ud800 high",
  "lone \udc00 low",
  "ends high \ud83d",
  "x".repeat(1023),
  "é".repeat(5000),
  "😀".repeat(30_000),
  "short again",
  "y".repeat(87_381),
  "y".repeat(87_382),
  "z".repeat(300_000),
  "after the fallback",
];

describe("hmacSha256Hex", () => {
  it("equals createHmac('sha256') for keys shorter than, equal to and longer than the block, on every text", () => {
    for (const keyBytes of [1, 32, 63, 64, 65, 200]) {
      const key = keyOf(keyBytes);
      for (const text of TEXTS) {
        expect({ keyBytes, length: text.length, hex: hmacSha256Hex(key, text) }).toEqual({ keyBytes, length: text.length, hex: reference(key, text) });
      }
    }
  });

  it("keeps keys apart: the same text under two keys gives the two keys' digests", () => {
    const [a, b] = [keyOf(32), createSecretKey(Buffer.alloc(32, 7))];
    expect(hmacSha256Hex(a, "same")).toBe(reference(a, "same"));
    expect(hmacSha256Hex(b, "same")).toBe(reference(b, "same"));
    expect(hmacSha256Hex(a, "same")).not.toBe(hmacSha256Hex(b, "same"));
  });
});

describe("sizedHmacSha256", () => {
  it("gives the digest and the UTF-8 byte length of the text", () => {
    const key = keyOf(32);
    for (const text of TEXTS) {
      expect({ length: text.length, ...sizedHmacSha256(key, text) }).toEqual({ length: text.length, hex: reference(key, text), bytes: Buffer.byteLength(text, "utf8") });
    }
  });
});

describe("sizedSha256", () => {
  it("gives hash('sha256') of the text and its UTF-8 byte length, on every text, in any order", () => {
    for (const text of [...TEXTS, ...[...TEXTS].reverse()]) {
      expect(sizedSha256(text)).toEqual({ hex: hash("sha256", text, "hex"), bytes: Buffer.byteLength(text, "utf8") });
    }
  });
});
