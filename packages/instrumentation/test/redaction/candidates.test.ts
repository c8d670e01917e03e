// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { findCandidates, type Candidates } from "../../src/redaction/candidates.js";
import { DETECTORS } from "../../src/redaction/detectors.js";
import { Findings } from "../../src/redaction/findings.js";
import { seeded } from "./generators.js";

/** Every position of `text` a candidate for every detector: the anchored scan becomes the global search it replaces. */
function everywhere(text: string): Candidates {
  const all = Array.from({ length: text.length }, (_, i) => i);
  return { card: all, ssn: all, phone: all };
}

function findingsOf(scan: (findings: Findings) => void): [number, number, string][] {
  const findings = new Findings();
  scan(findings);
  return Array.from({ length: findings.size }, (_, i) => [findings.start(i), findings.end(i), findings.kind(i)]);
}

const NUMBER_DETECTORS = DETECTORS.filter((d) => d.kind === "card_number" || d.kind === "us_ssn" || d.kind === "phone");

// Pieces that make and break every number shape: groups, separators, boundaries, prefixes.
const PIECES = [
  "0", "1", "2", "4", "5", "9", "00", "12", "123", "415", "0123", "4111", "20240115", "4111111111111111", " ", " ", "-", ".", "/", "(", ")", "+",
  "a", "Z", "_", ",", "\n", "4111 1111 1111 1111", "123-45-6789", "(415) 555-0123", "+1 415-555-0123", "+44 20 7946 0958", "+49 (0)30 1234 5678",
  "020 7946 0958", "01 23 45 67 89", "1-800-555-0199", "07700 900123", "2024-01-15", "10.0.0.12", "v2.3.1",
  "4111 111111 11111", "4111 111111 1111", "(212)", "(212)555-0199", "1 (212) 555-0199", "1-212-555-0199", "555-01234", "0 12", "00 12 34 56 78", "378282246310005", "123-45-67890", "123-45-6789a", "111111", "11111",
];

describe("findCandidates", () => {
  it("lists the starts each number pattern can match at, and only in runs with enough digits", () => {
    const text = "Call +1 415-555-0123 or (212) 555-0199; SSN 123-45-6789; card 4111 1111 1111 1111 on 2024-01-15 at 10.0.0.12";
    const candidates = findCandidates(text);
    const shown = (list: number[] | undefined) => list?.map((i) => `${i}:${text.slice(i, i + 5)}`);
    // A number starts only where all the groups its pattern needs follow: the card's four, the SSN's three (its run
    // of 9 digits is too short for a card), "+1" and "1 " before an area code and exchange, "415-" before an exchange,
    // "(212) " before one; "555-0123" is no area code ("0123" is no exchange). The date has 8 digits and "01" may
    // start a trunk-0 number; the IP address has 6 (nothing).
    expect({ card: shown(candidates.card), ssn: shown(candidates.ssn), phone: shown(candidates.phone) }).toEqual({
      card: ["62:4111 "],
      ssn: ["44:123-4"],
      phone: ["5:+1 41", "6:1 415", "8:415-5", "24:(212)", "90:01-15"],
    });
  });

  it("has nothing for prose, dates and versions", () => {
    expect(findCandidates("Released on 2024-01 as v2.3.1 (build 1234), see page 12.")).toEqual({ card: undefined, ssn: undefined, phone: undefined });
  });

  it("finds a run at the very start and end of the text, whatever the probe's phase", () => {
    for (let pad = 0; pad < 9; pad++) {
      const prefix = ";".repeat(pad);
      expect(findCandidates(`${prefix}123-45-6789`).ssn).toEqual([pad]);
      expect(findCandidates(`123-45-6789${prefix}`).ssn).toEqual([0]);
    }
  });

  it("gives each number detector the findings of its global search (20,000 random texts)", () => {
    const random = seeded(13);
    for (let n = 0; n < 20_000; n++) {
      let text = "";
      const parts = 1 + Math.floor(random() * 12);
      for (let p = 0; p < parts; p++) {
        const piece = PIECES[Math.floor(random() * PIECES.length)];
        text += random() < 0.2 ? piece.repeat(1 + Math.floor(random() * 6)) : piece;
      }
      for (const detector of NUMBER_DETECTORS) {
        const anchored = findingsOf((f) => detector.scan(text, f));
        const global = findingsOf((f) => detector.scan(text, f, everywhere(text)));
        if (JSON.stringify(anchored) !== JSON.stringify(global)) expect({ text, kind: detector.kind, anchored }).toEqual({ text, kind: detector.kind, anchored: global });
      }
    }
  });
});
