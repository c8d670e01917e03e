// SPDX-License-Identifier: Apache-2.0
// A Redactor remembers short texts and leaf junctions it found clean, so that a history sent again (an agent loop,
// a chat app's every turn) is not scanned again. These tests try to make a remembered text hide a finding.
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/redaction/index.js";

// An e-mail address only base64 decoding shows: found in a string, not in the junction of two strings (a junction
// is scanned without decoding).
const ENCODED = Buffer.from("write to ann.smith@example.com today").toString("base64");

describe("remembered clean texts", () => {
  it("a text clean at a junction (no decoding) is still decoded as a string of its own", () => {
    const redactor = new Redactor();
    // The junction of the two halves is ENCODED itself, scanned at the junction's level and found clean there.
    const split = { messages: [ENCODED.slice(0, 24), ENCODED.slice(24)] };
    for (let i = 0; i < 3; i++) expect(redactor.redactTree(split)).toEqual({ value: split, counts: {} });
    expect(redactor.redactTree({ messages: [ENCODED] })).toEqual({ value: { messages: ["[REDACTED:email]"] }, counts: { email: 1 } });
    expect(redactor.redactString(ENCODED)).toEqual({ value: "[REDACTED:email]", counts: { email: 1 } });
  });

  it("a JSON text left unparsed at the deepest decoding level is still parsed as a string of its own", () => {
    const redactor = new Redactor();
    // A secret only its key names: found when the inner JSON is parsed, which the walk does two levels deep at most.
    const config = JSON.stringify({ config: JSON.stringify({ token: "t0k3n-value-123456" }) });
    const wrapped = JSON.stringify({ wrapper: config });
    for (let i = 0; i < 3; i++) expect(redactor.redactString(wrapped)).toEqual({ value: wrapped, counts: {} });
    const expected = { value: JSON.stringify({ config: JSON.stringify({ token: "[REDACTED:secret]" }) }), counts: { secret: 1 } };
    expect(new Redactor().redactString(config)).toEqual(expected);
    expect(redactor.redactString(config)).toEqual(expected);
  });

  it("a junction clean with one neighbour is scanned again with another", () => {
    const redactor = new Redactor();
    const clean = { messages: ["my card is 4539 1488", "thanks, that is all"] };
    for (let i = 0; i < 3; i++) expect(redactor.redactTree(clean)).toEqual({ value: clean, counts: {} });
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

  it("a non-ASCII text is scanned every time, and redacted the same", () => {
    const redactor = new Redactor();
    // Full-width digits normalise to a card number.
    const text = "carte ４５３９ １４８８ ０３４３ ６４６７ merci";
    const first = redactor.redactString(text);
    expect(first.counts).toEqual({ card_number: 1 });
    expect(redactor.redactString(text)).toEqual(first);
  });
});
