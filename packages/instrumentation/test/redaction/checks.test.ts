// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import {
  ibanValid,
  isBasicCredentials,
  isHighEntropySecret,
  isJwtHeader,
  looksRandom,
  luhnValid,
  shannonEntropy,
  usSsnValid,
} from "../../src/redaction/checks.js";

describe("luhnValid", () => {
  it.each([
    ["4111111111111111", true],
    ["4111 1111 1111 1111", true],
    ["4111-1111-1111-1111", true],
    ["378282246310005", true],
    ["30569309025904", true],
    ["6011111111111117", true],
    ["4111111111111112", false],
    ["1234567812345678", false],
    ["0", true],
    ["", false],
    ["abc", false],
  ])("%j → %s", (text, expected) => {
    expect(luhnValid(text)).toBe(expected);
  });
});

describe("ibanValid", () => {
  it.each([
    ["DE89370400440532013000", true],
    ["DE89 3704 0044 0532 0130 00", true],
    ["GB82WEST12345698765432", true],
    ["FR1420041010050500013M02606", true],
    ["NO9386011117947", true],
    ["DE89370400440532013001", false],
    ["DE00370400440532013000", false],
    ["GB82west12345698765432", false],
    ["DE89-3704-0044-0532-0130-00", false],
    // Mod-97 holds, but 14 characters is shorter than any IBAN.
    ["NO698601111794", false],
  ])("%j → %s", (text, expected) => {
    expect(ibanValid(text)).toBe(expected);
  });
});

describe("usSsnValid", () => {
  it.each([
    ["123-45-6789", true],
    ["078-05-1120", true],
    ["899-99-9999", true],
    ["000-12-3456", false],
    ["666-12-3456", false],
    ["900-12-3456", false],
    ["999-12-3456", false],
    ["123-00-6789", false],
    ["123-45-0000", false],
    ["123-45-678", false],
  ])("%j → %s", (text, expected) => {
    expect(usSsnValid(text)).toBe(expected);
  });
});

describe("shannonEntropy", () => {
  it.each([
    ["", 0],
    ["aaaa", 0],
    ["ab", 1],
    ["abcd", 2],
    ["aabb", 1],
    ["abcdefgh", 3],
    ["0123456789abcdef", 4],
  ])("%j → %d bits per character", (text, bits) => {
    expect(shannonEntropy(text)).toBe(bits);
  });

  it("leaves no state behind between calls", () => {
    expect([shannonEntropy("abab"), shannonEntropy("abab"), shannonEntropy("cccc")]).toEqual([1, 1, 0]);
  });
});

describe("looksRandom", () => {
  it.each([
    ["Zx81kLmP0qRsT5uVwX9yA2bC", true],
    ["4f9c2a7e1b3d", true],
    ["abcDEFghiJKL", true],
    ["organization_membership_token", false],
    ["Authentication", false],
    ["ALLCAPS", false],
    ["", false],
  ])("%j → %s", (text, expected) => {
    expect(looksRandom(text)).toBe(expected);
  });
});

describe("isHighEntropySecret", () => {
  it.each([
    ["Zx81kLmP0qRsT5uVwX9yA2bC", true],
    ["hunter2x9Qz!Lm4#Vb7Wp", true],
    ["4f9c2a7e1b3d5f6a8c0e", true],
    // 19 characters: too short.
    ["Zx81kLmP0qRsT5uVwX9", false],
    ["aaaaaaaaaaaaaaaaaaaaaaaa", false],
    ["a1a1a1a1a1a1a1a1a1a1a1a1", false],
    ["com.example.my_application.settings", false],
  ])("%j → %s", (text, expected) => {
    expect(isHighEntropySecret(text)).toBe(expected);
  });
});

describe("isJwtHeader", () => {
  it.each([
    ["eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", true],
    ["eyJhbGciOiJub25lIn0", true],
    // {"nota":"header"}
    ["eyJub3RhIjoiaGVhZGVyIn0", false],
    // {"alg":1}
    ["eyJhbGciOjF9", false],
    ["eyJ-not-base64-json", false],
    ["", false],
  ])("%j → %s", (segment, expected) => {
    expect(isJwtHeader(segment)).toBe(expected);
  });
});

describe("isBasicCredentials", () => {
  it.each([
    ["YWxhZGRpbjpvcGVuc2VzYW1l", true], // aladdin:opensesame
    ["dXNlcjpwYXNzd29yZA==", true], // user:password
    ["aGVsbG8gd29ybGQ=", false], // hello world: no colon
    ["AAECAwQ6", false], // control bytes
  ])("%j → %s", (base64, expected) => {
    expect(isBasicCredentials(base64)).toBe(expected);
  });
});
