// SPDX-License-Identifier: Apache-2.0
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { isText, mayDecodeToText } from "../../src/redaction/base64.js";
import { seeded } from "./generators.js";

const decode = (run: string): string => Buffer.from(run, run.includes("-") || run.includes("_") ? "base64url" : "base64").toString("utf8");

describe("mayDecodeToText", () => {
  it("lets text through, in both alphabets, padded or not", () => {
    for (const text of ["mail jane@example.com about 4111 1111 1111 1111.", "café ½ € 𝟒 – ok\n\tdone", "ab"]) {
      for (const encoding of ["base64", "base64url"] as const) {
        const run = Buffer.from(text, "utf8").toString(encoding);
        expect({ run, may: mayDecodeToText(run), text: isText(decode(run)) }).toEqual({ run, may: true, text: true });
      }
    }
  });

  it("stops random data, a control byte, and each kind of invalid UTF-8", () => {
    // UUID-like runs decode to random bytes; the others are one bad sequence after valid text.
    const bad = [[0x41, 0x00, 0x42], [0x41, 0x7f, 0x42], [0xc0, 0x80, 0x41], [0xed, 0xa0, 0x80], [0xe0, 0x9f, 0xbf], [0xf0, 0x8f, 0xbf, 0xbf, 0x41, 0x41], [0xf4, 0x90, 0x80, 0x80, 0x41, 0x41], [0xf5, 0x41, 0x41], [0x80, 0x41, 0x41], [0xc2, 0x41, 0x41]];
    for (const bytes of bad) {
      const run = Buffer.from(bytes).toString("base64");
      expect({ run, may: mayDecodeToText(run), text: isText(decode(run)) }).toEqual({ run, may: false, text: false });
    }
    expect(mayDecodeToText("550e8400-e29b-41d4-a716-446655440000")).toBe(false);
  });

  it("never stops a run that decodes to text (50,000 random byte strings, edge bytes favoured)", () => {
    const random = seeded(64);
    const EDGES = [0x00, 0x09, 0x0a, 0x0d, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    let stopped = 0;
    let text = 0;
    for (let n = 0; n < 50_000; n++) {
      const bytes = Array.from({ length: 1 + Math.floor(random() * 24) }, () =>
        random() < 0.5 ? 0x20 + Math.floor(random() * 0x5f) : random() < 0.5 ? EDGES[Math.floor(random() * EDGES.length)] : Math.floor(random() * 256),
      );
      const run = Buffer.from(bytes).toString(random() < 0.5 ? "base64" : "base64url");
      const may = mayDecodeToText(run);
      const isTextRun = isText(decode(run));
      if (isTextRun) text++;
      if (!may) stopped++;
      if (isTextRun && !may) expect({ bytes, run, may }).toEqual({ bytes, run, may: true });
    }
    // Both outcomes occur often enough for the check above to mean something.
    expect(text).toBeGreaterThan(3_000);
    expect(stopped).toBeGreaterThan(20_000);
  });
});
