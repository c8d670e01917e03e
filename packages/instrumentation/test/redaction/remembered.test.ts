// SPDX-License-Identifier: Apache-2.0
// A Redactor remembers short texts and leaf junctions it found clean, so that a history sent again (an agent loop,
// a chat app's every turn) is not scanned again. These tests try to make a remembered text hide a finding.
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/redaction/index.js";
import { heapUsedAfterGcMb } from "../helpers.js";

// An e-mail address only base64 decoding shows: found in a string, not in the junction of two strings (a junction
// is scanned without decoding).
const ENCODED = Buffer.from("write to ann.smith@example.com today").toString("base64");

describe("remembered clean texts", () => {
  it("a text clean at a junction (no decoding) is still decoded as a string of its own", () => {
    const redactor = new Redactor();
    // The junction of the two halves is ENCODED itself, scanned at the junction's level and found clean there.
    const split = { messages: [ENCODED.slice(0, 24), ENCODED.slice(24)] };
    for (let i = 0; i < 4; i++) expect(redactor.redactTree(split)).toEqual({ value: split, counts: {} });
    expect(redactor.redactTree({ messages: [ENCODED] })).toEqual({ value: { messages: ["[REDACTED:email]"] }, counts: { email: 1 } });
    expect(redactor.redactString(ENCODED)).toEqual({ value: "[REDACTED:email]", counts: { email: 1 } });
  });

  it("a JSON text left unparsed at the deepest decoding level is still parsed as a string of its own", () => {
    const redactor = new Redactor();
    // A secret only its key names: found when the inner JSON is parsed, which the walk does two levels deep at most.
    const config = JSON.stringify({ config: JSON.stringify({ token: "t0k3n-value-123456" }) });
    const wrapped = JSON.stringify({ wrapper: config });
    const expected = { value: JSON.stringify({ config: JSON.stringify({ token: "[REDACTED:secret]" }) }), counts: { secret: 1 } };
    // At the top its text is clean (remembered so), its tree is not.
    for (let i = 0; i < 2; i++) expect(redactor.redactString(config)).toEqual(expected);
    // One level down, text and tree are clean.
    for (let i = 0; i < 4; i++) expect(redactor.redactString(wrapped)).toEqual({ value: wrapped, counts: {} });
    expect(redactor.redactString(config)).toEqual(expected);
    expect(new Redactor().redactString(config)).toEqual(expected);
  });

  it("a junction clean with one neighbour is scanned again with another", () => {
    const redactor = new Redactor();
    const clean = { messages: ["my card is 4539 1488", "thanks, that is all"] };
    for (let i = 0; i < 4; i++) expect(redactor.redactTree(clean)).toEqual({ value: clean, counts: {} });
    // The same first message, now followed by the rest of the card number.
    const split = { messages: ["my card is 4539 1488", "0343 6467 thanks"] };
    const { value, counts } = redactor.redactTree(split);
    expect(counts).toEqual({ card_number: 1 });
    expect(JSON.stringify(value)).not.toContain("1488");
    expect(JSON.stringify(value)).not.toContain("0343 6467");
  });

  it("a text with a finding is never remembered: the same text is redacted every time", () => {
    const redactor = new Redactor();
    for (let i = 0; i < 5; i++) {
      expect(redactor.redactString("mail ann.smith@example.com")).toEqual({ value: "mail [REDACTED:email]", counts: { email: 1 } });
    }
  });

  it("thousands of distinct clean texts (more than are kept) leave every answer as a fresh Redactor gives it", () => {
    const warm = new Redactor();
    for (let i = 0; i < 5000; i++) warm.redactString(`order ${i} shipped to the warehouse in aisle ${i % 97}`);
    for (const text of ["order 7 shipped to the warehouse in aisle 7", "order 7 to ann.smith@example.com", ENCODED]) {
      expect(warm.redactString(text)).toEqual(new Redactor().redactString(text));
    }
  });

  it("a remembered text does not keep alive the long string it was cut from", () => {
    const redactor = new Redactor();
    const before = heapUsedAfterGcMb();
    for (let k = 0; k < 40; k++) {
      // 1 MB strings of their own (built, not repeated), each giving a clean 40-character slice and a junction.
      const parent = Array.from({ length: 1 << 20 }, (_, i) => String.fromCharCode(97 + ((i * 7 + k) % 26))).join("");
      const cut = parent.slice(1000, 1040);
      expect(redactor.redactString(cut)).toEqual({ value: cut, counts: {} });
      expect(redactor.redactTree({ lines: [parent.slice(2000, 2040), parent.slice(3000, 3040)] }).counts).toEqual({});
    }
    // 40 MB of parents (80 in two-byte form) were made; the 120 remembered texts and junctions are a few KB.
    expect(heapUsedAfterGcMb() - before).toBeLessThan(8);
  });

  it("a long-running engine keeps nothing of the keys of earlier trees", () => {
    const redactor = new Redactor();
    const tree = (i: number) => {
      const key = `session-${i.toString(36).padStart(24, "0")}`;
      return [{ [key]: "first line" }, { [key]: "second line" }];
    };
    for (let i = 0; i < 1000; i++) redactor.redactTree(tree(i));
    const before = heapUsedAfterGcMb();
    // 100,000 trees, each under a key never seen before, each with a junction between its two strings.
    for (let i = 1000; i < 101_000; i++) expect(redactor.redactTree(tree(i)).counts).toEqual({});
    // Without emptying the junctions' key index between walks: +8.6 MB here.
    expect(heapUsedAfterGcMb() - before).toBeLessThan(2);
  });

  it("a non-ASCII text with a finding is redacted every time, the same", () => {
    const redactor = new Redactor();
    // Full-width digits normalise to a card number.
    const text = "carte ４５３９ １４８８ ０３４３ ６４６７ merci";
    const first = redactor.redactString(text);
    expect(first.counts).toEqual({ card_number: 1 });
    expect(redactor.redactString(text)).toEqual(first);
  });
});
