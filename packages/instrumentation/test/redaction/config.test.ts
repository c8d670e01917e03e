// SPDX-License-Identifier: Apache-2.0
import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/options.js";
import { Redactor } from "../../src/redaction/index.js";
import type { RedactionOptions } from "../../src/redaction/index.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected a throw");
}

const KINDS = "private_key, api_key, aws_access_key, github_token, jwt, bearer_token, secret, email, phone, card_number, iban, us_ssn";
const PATHS = "$, .key, ['key'], [n], [*], .*, ..key, ..*";

describe("Redactor options", () => {
  it.each<[string, RedactionOptions, Record<string, string>, string]>([
    ["unknown detector", { detectors: ["email", "passport"] }, {}, `option detectors[1]="passport" is not one of: ${KINDS}`],
    ["detectors of the wrong type", { detectors: "some" as never }, {}, 'option detectors="some" is not "all", "none" or an array of detector kinds'],
    ["rules not an array", { rules: {} as never }, {}, "option rules={} is not an array"],
    ["rule not an object", { rules: [null as never] }, {}, "option rules[0]=null is not an object"],
    ["rule without a name", { rules: [{ name: "", pattern: "x" }] }, {}, 'option rules[0].name="" is not a non-empty string'],
    ["rule with nothing to match", { rules: [{ name: "ok", keys: ["a"] }, { name: "emp" }] }, {}, 'option rules[1] ("emp") has none of: pattern, keys, paths'],
    ["invalid regex", { rules: [{ name: "emp", pattern: "(" }] }, {}, 'option rules[0].pattern="(" is not a valid regular expression'],
    ["regex matching empty text", { rules: [{ name: "emp", pattern: "a*" }] }, {}, 'option rules[0].pattern="a*" matches the empty string'],
    ["RegExp matching empty text", { rules: [{ name: "emp", pattern: /x?/i }] }, {}, "option rules[0].pattern=/x?/i matches the empty string"],
    ["pattern of the wrong type", { rules: [{ name: "emp", pattern: 5 as never }] }, {}, "option rules[0].pattern=5 is not a string or a RegExp"],
    ["keys not an array", { rules: [{ name: "emp", keys: "ssn" as never }] }, {}, 'option rules[0].keys="ssn" is not an array of non-empty strings'],
    ["empty key", { rules: [{ name: "emp", keys: ["ssn", ""] }] }, {}, 'option rules[0].keys=["ssn",""] is not an array of non-empty strings'],
    ["unsupported path", { rules: [{ name: "a", paths: ["$.a"] }, { name: "b", paths: ["$.b", "$.a["] }] }, {}, `option rules[1].paths[1]="$.a[" is not a supported JSON path (${PATHS})`],
    ["filter path", { rules: [{ name: "a", paths: ["$[?(@.x)]"] }] }, {}, `option rules[0].paths[0]="$[?(@.x)]" is not a supported JSON path (${PATHS})`],
    ["unknown replacement", { replacement: "hash" as never }, {}, 'option replacement="hash" is not one of: marker, hmac'],
    ["short key", { replacement: "hmac", hmacKey: "short" }, {}, "option hmacKey is 5 bytes; at least 16 are required"],
    ["short Buffer key", { replacement: "hmac", hmacKey: Buffer.alloc(15) }, {}, "option hmacKey is 15 bytes; at least 16 are required"],
    ["short env key", { replacement: "hmac" }, { LANGCHAIN_OTEL_REDACTION_KEY: "abc" }, "LANGCHAIN_OTEL_REDACTION_KEY is 3 bytes; at least 16 are required"],
    ["key of the wrong type", { replacement: "hmac", hmacKey: 42 as never }, {}, "option hmacKey is not a string or a Buffer"],
  ])("%s", (_name, options, env, message) => {
    const error = thrown(() => new Redactor(options, env));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toMatchObject({ name: "ConfigurationError", message });
  });

  it("keeps the regex error as the cause", () => {
    const error = thrown(() => new Redactor({ rules: [{ name: "emp", pattern: "[" }] }));
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it("never quotes the key in a message", () => {
    const error = thrown(() => new Redactor({ replacement: "hmac", hmacKey: "hunter2" }));
    expect((error as Error).message).not.toContain("hunter2");
  });

  it.each<[string, RedactionOptions, Record<string, string>]>([
    ["no options", {}, {}],
    ["all and none", { detectors: "all" }, {}],
    ["an empty detector list", { detectors: [] }, {}],
    ["hmac key from the option", { replacement: "hmac", hmacKey: "0123456789abcdef" }, {}],
    ["hmac key as a Buffer", { replacement: "hmac", hmacKey: Buffer.alloc(16, 7) }, {}],
    ["hmac key from the environment", { replacement: "hmac" }, { LANGCHAIN_OTEL_REDACTION_KEY: "0123456789abcdef" }],
    ["a short key with marker replacement (ignored)", { replacement: "marker", hmacKey: "short" }, {}],
    ["a lookahead pattern", { rules: [{ name: "x", pattern: "(?=x)" }] }, {}],
    // No deployment key: pseudonyms use a random per-process key (see "hmac replacement" in redactor.test.ts).
    ["hmac without a key", { replacement: "hmac" }, {}],
    ["hmac with an empty env key", { replacement: "hmac" }, { LANGCHAIN_OTEL_REDACTION_KEY: "" }],
  ])("accepts %s", (_name, options, env) => {
    expect(() => new Redactor(options, env)).not.toThrow();
  });
});
