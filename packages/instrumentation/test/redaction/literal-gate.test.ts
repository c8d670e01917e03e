// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { DETECTORS, type Detector } from "../../src/redaction/detectors.js";
import { Findings } from "../../src/redaction/findings.js";
import { literalGate } from "../../src/redaction/literal-gate.js";

/** A detector that only declares literals (the gate never calls scan). */
const withLiterals = (literals?: string[]): Detector => ({
  kind: "secret",
  minLength: 1,
  needsDigit: false,
  ...(literals === undefined ? {} : { literals }),
  scan: () => {},
  secondLine: [],
});

describe("literalGate", () => {
  const gate = literalGate([withLiterals(["sk-"]), withLiterals(["Bearer", "bearer"]), withLiterals(), withLiterals(["ab", "abc"]), withLiterals(["abcd"])]);

  it("lets through the detectors without literals, and those whose literal occurs", () => {
    expect(gate("plain prose, nothing to see")).toBe(0b00100);
    expect(gate("key sk-xyz")).toBe(0b00101);
    expect(gate("a bearer token")).toBe(0b00110);
    expect(gate("sk- and Bearer")).toBe(0b00111);
  });

  it("sees a literal that is the start of a longer one at the same position, and one inside a match", () => {
    // "abcd" occurs: so do "abc" and "ab" at the same position.
    expect(gate("xabcdx")).toBe(0b11100);
    expect(gate("xabx")).toBe(0b01100);
    // "sk-" starts inside "Bsk-": both are seen although the union matches from the earlier position.
    expect(literalGate([withLiterals(["Bsk"]), withLiterals(["sk-"])])("Bsk-")).toBe(0b11);
  });

  it("lets every detector through on a text with more literal occurrences than it counts", () => {
    const all = literalGate([withLiterals(["sk-"]), withLiterals(["zz"])]);
    expect(all("sk-".repeat(10))).toBe(0b01);
    expect(all("sk-".repeat(40))).toBe(0b11);
  });

  it("skips only detectors that find nothing on the text (every built-in detector, every generator-like input)", () => {
    const builtIn = literalGate(DETECTORS);
    const texts = [
      "Call me at +1 415-555-0123 or jane@example.com",
      "Authorization: Bearer abcdefghijklmnop1234567890",
      "Basic dXNlcjpwYXNzd29yZA== and https://user:pa55word@example.com",
      "sk-proj-abcdefghijklmnopqrstuvwxyz123456 xoxb-1234567890-abcdefghij sk_live_abcdefghij1234 AIzaSyA1234567890abcdefghijklmnopqrstuv",
      "AKIAIOSFODNN7EXAMPLE ghp_abcdefghijklmnopqrstuvwxyz0123456789 eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
      "abc1Q~abcdefghijklmnopqrstuvwxyz12345",
      "The assistant reviewed order ORD-2024-000123; no secrets here.",
    ];
    for (const text of texts) {
      const mask = builtIn(text);
      DETECTORS.forEach((detector, i) => {
        if ((mask & (1 << i)) !== 0) return;
        const findings = new Findings();
        detector.scan(text, findings);
        expect(findings.size, `${detector.kind} #${i} skipped on ${JSON.stringify(text)}`).toBe(0);
      });
    }
  });

  it("refuses more detectors than a mask holds", () => {
    expect(() => literalGate(Array.from({ length: 32 }, () => withLiterals(["x"])))).toThrow(RangeError);
  });
});
