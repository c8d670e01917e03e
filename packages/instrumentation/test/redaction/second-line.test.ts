// SPDX-License-Identifier: Apache-2.0
// The collector's second line is generated from the detector set: this test fails when otelcol.yaml and the
// detectors drift apart, when a pattern uses what RE2 cannot run, or when a value the first line finds keeps its
// shape through the second line. (The e2e suite runs the same file in the real collector.)
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DETECTORS } from "../../src/redaction/detectors.js";
import { isSecretKey } from "../../src/redaction/secret-keys.js";
import { SECOND_LINE_BEGIN, SECOND_LINE_END, SECRET_KEY_PATTERN, secondLinePatterns, secondLineYaml } from "../../src/redaction/second-line.js";

const OTELCOL = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../collector-config/otelcol.yaml");

/** Compiles an RE2 pattern as JavaScript reads it (the subset used reads the same in both), `(?i)` as a flag. */
function compile(pattern: string): RegExp {
  const caseless = pattern.startsWith("(?i)");
  return new RegExp(caseless ? pattern.slice(4) : pattern, caseless ? "giu" : "gu");
}

const mask = (text: string): string => secondLinePatterns().reduce((out, { pattern }) => out.replace(compile(pattern), "****"), text);

// Values in their plain form (the second line sees no evasion): each must lose its shape.
const VALUES: [kind: string, value: string][] = [
  ["email", "maria.kowalska@example.org"],
  ["email (percent-encoded @)", "maria.kowalska%40example.org"],
  ["api_key", "sk-proj-B7mkJa2GOYHaJR5R9WeA5Lc5Lz8lHIq1"],
  ["api_key (Stripe)", "sk_live_51HxQ2kLmP0qRsT5uVwX9yA2bC3dE4fG5"],
  ["api_key (Google)", "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"],
  ["api_key (Slack)", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"],
  ["aws_access_key", "AKIAIOSFODNN7EXAMPLE"],
  ["github_token", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"],
  ["jwt", "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
  ["bearer_token", "Bearer 4f9c2a7e1b3d5f6a8c0e2b4d6f8a1c3e"],
  ["secret (password=)", "password=hunter2"],
  ["secret (URL password)", "postgres://ann:hunter2@db"],
  ["card (spaces)", "4539 1488 0343 6467"],
  ["card (dots)", "4539.1488.0343.6467"],
  ["card (bare)", "4539148803436467"],
  ["iban", "DE89370400440532013000"],
  ["us_ssn", "078-05-1120"],
  ["phone (E.164)", "+44 20 7946 0958"],
  ["phone (NANP)", "(415) 555-0123"],
  ["phone (trunk 0)", "020 7946 0958"],
  ["private_key", "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8w\n-----END PRIVATE KEY-----"],
];

describe("collector second line", () => {
  it("otelcol.yaml holds exactly the block generated from the detectors (run node collector-config/scripts/second-line.mjs)", () => {
    const config = readFileSync(OTELCOL, "utf8");
    const begin = config.indexOf(SECOND_LINE_BEGIN);
    const end = config.indexOf("\n", config.indexOf(SECOND_LINE_END)) + 1;
    expect(begin).toBeGreaterThan(-1);
    expect(config.slice(begin, end)).toBe(secondLineYaml());
  });

  it("every detector has second-line patterns", () => {
    expect(DETECTORS.filter((d) => d.secondLine.length === 0).map((d) => d.kind)).toEqual([]);
  });

  it.each(secondLinePatterns().map(({ kind, pattern }) => [kind, pattern]))("%s pattern is RE2: no lookaround, no backreference (%s)", (_kind, pattern) => {
    expect(pattern).not.toMatch(/\(\?[=!]|\(\?<[=!]|\\[1-9]|\\k</);
    expect(() => compile(pattern)).not.toThrow();
  });

  it.each(VALUES)("masks %s: %s", (_kind, value) => {
    const masked = mask(`before ${value} after`);
    expect(masked).toContain("****");
    expect(masked).not.toContain(value);
  });

  it.each([
    ["password", true],
    ["db_password", true],
    ["client-secret", true],
    ["X-Api-Key", true],
    ["Authorization", true],
    ["aws_secret_access_key", true],
    ["PRIVATE_KEY", true],
    ["accessToken", true],
    ["max_tokens", false],
    ["gen_ai.usage.input_tokens", false],
    ["password_hint", false],
    ["langchain.metadata.session_token", true],
    ["pass_word", true],
    ["API__KEY_", true],
    ["private-key-", true],
    ["secrets", false],
    ["token_count", false],
  ] as const)("secret-named key %s: %s, as the first line decides", (key, expected) => {
    const secondLine = new RegExp(SECRET_KEY_PATTERN.slice(4), "i").test(key);
    expect({ secondLine, firstLine: isSecretKey(key) }).toEqual({ secondLine: expected, firstLine: expected });
  });
});
