// SPDX-License-Identifier: Apache-2.0
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { toJsonSafe } from "../../src/serialize.js";
import type { JsonSafe } from "../../src/serialize.js";
import { Redactor } from "../../src/redaction/index.js";
import type { RedactionOptions } from "../../src/redaction/index.js";

const KEY = "0123456789abcdef-test-key";

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** The pseudonym the hmac replacement must produce, computed independently. */
function pseudonym(kind: string, value: string, key = KEY): string {
  return `[${kind}:${createHmac("sha256", key).update(`${kind}\0${value}`).digest("hex").slice(0, 12)}]`;
}

interface TreeCase {
  name: string;
  options: RedactionOptions;
  input: JsonSafe;
  expected: JsonSafe;
  counts: Record<string, number>;
}

const treeCases: TreeCase[] = [
  {
    name: "strings and object keys at any depth are scanned (a key holding an address is redacted too)",
    options: {},
    input: { "jane@example.com": "hi", a: [{ b: "write to jane@example.com" }, "card 4111111111111111"], n: 1, t: true, z: null },
    expected: { "[REDACTED:email]": "hi", a: [{ b: "write to [REDACTED:email]" }, "card [REDACTED:card_number]"], n: 1, t: true, z: null },
    counts: { email: 2, card_number: 1 },
  },
  {
    name: "secret-named keys replace non-empty string values whole",
    options: {},
    input: {
      headers: { Authorization: "Basic abc", "X-Api-Key": "k", "content-type": "application/json" },
      db: { password: "pw", password_hint: "pet", token: "", refresh_token: 42, has_password: true, max_tokens: "1024" },
    },
    expected: {
      headers: { Authorization: "[REDACTED:secret]", "X-Api-Key": "[REDACTED:secret]", "content-type": "application/json" },
      db: { password: "[REDACTED:secret]", password_hint: "pet", token: "", refresh_token: 42, has_password: true, max_tokens: "1024" },
    },
    counts: { secret: 3 },
  },
  {
    name: "secret-named keys are left to the detectors when secret is off",
    options: { detectors: ["email"] },
    input: { password: "pw", contact: "a@example.com" },
    expected: { password: "pw", contact: "[REDACTED:email]" },
    counts: { email: 1 },
  },
  {
    name: "key rules match case-insensitively at any depth and replace any value",
    options: { rules: [{ name: "employee", keys: ["EmployeeId", "manager"] }] },
    input: { employeeid: "E-1", org: { EMPLOYEEID: 7, Manager: { name: "Ann", id: "E-2" }, manager_name: "Ann" }, list: [{ employeeId: null }] },
    expected: { employeeid: "[REDACTED:employee]", org: { EMPLOYEEID: "[REDACTED:employee]", Manager: "[REDACTED:employee]", manager_name: "Ann" }, list: [{ employeeId: "[REDACTED:employee]" }] },
    counts: { employee: 4 },
  },
  {
    name: "path $.a.b",
    options: { rules: [{ name: "ssn", paths: ["$.user.ssn"] }] },
    input: { user: { ssn: "x", name: "y" }, other: { user: { ssn: "z" } } },
    expected: { user: { ssn: "[REDACTED:ssn]", name: "y" }, other: { user: { ssn: "z" } } },
    counts: { ssn: 1 },
  },
  {
    name: "path ['key'] and [\"key\"]",
    options: { rules: [{ name: "odd", paths: ["$['odd key']", '$["a.b"]'] }] },
    input: { "odd key": 1, "a.b": [1], a: { b: 2 } },
    expected: { "odd key": "[REDACTED:odd]", "a.b": "[REDACTED:odd]", a: { b: 2 } },
    counts: { odd: 2 },
  },
  {
    name: "path [n]",
    options: { rules: [{ name: "second", paths: ["$.items[1]"] }] },
    input: { items: ["a", { v: "b" }, "c"] },
    expected: { items: ["a", "[REDACTED:second]", "c"] },
    counts: { second: 1 },
  },
  {
    name: "path [*] over arrays and objects",
    options: { rules: [{ name: "content", paths: ["$.messages[*].content", "$.meta[*]"] }] },
    input: { messages: [{ role: "user", content: "hi" }, { role: "ai", content: ["x"] }], meta: { a: 1, b: { c: 2 } } },
    expected: { messages: [{ role: "user", content: "[REDACTED:content]" }, { role: "ai", content: "[REDACTED:content]" }], meta: { a: "[REDACTED:content]", b: "[REDACTED:content]" } },
    counts: { content: 4 },
  },
  {
    name: "path .*",
    options: { rules: [{ name: "all", paths: ["$.args.*"] }] },
    input: { args: { q: "x", n: 2 }, keep: "y" },
    expected: { args: { q: "[REDACTED:all]", n: "[REDACTED:all]" }, keep: "y" },
    counts: { all: 2 },
  },
  {
    name: "path ..key (recursive descent)",
    options: { rules: [{ name: "pw", paths: ["$..pass"] }] },
    input: { pass: "1", a: { b: [{ pass: { deep: "2" } }, { c: { pass: null } }] }, passes: "3" },
    expected: { pass: "[REDACTED:pw]", a: { b: [{ pass: "[REDACTED:pw]" }, { c: { pass: "[REDACTED:pw]" } }] }, passes: "3" },
    counts: { pw: 3 },
  },
  {
    name: "path ..key then a member",
    options: { rules: [{ name: "city", paths: ["$..address.city"] }] },
    input: { address: { city: "A", zip: "1" }, people: [{ address: { city: "B" } }, { city: "C" }] },
    expected: { address: { city: "[REDACTED:city]", zip: "1" }, people: [{ address: { city: "[REDACTED:city]" } }, { city: "C" }] },
    counts: { city: 2 },
  },
  {
    name: "path $ replaces the whole tree",
    options: { rules: [{ name: "everything", paths: ["$"] }] },
    input: { a: [1, 2] },
    expected: "[REDACTED:everything]",
    counts: { everything: 1 },
  },
  {
    name: "paths win over key rules, key rules over secret-named keys, earlier rules over later ones",
    options: {
      rules: [
        { name: "first", paths: ["$.token"] },
        { name: "second", keys: ["token", "password"], paths: ["$.token"] },
      ],
    },
    input: { token: "t", password: "p", api_key: "k" },
    expected: { token: "[REDACTED:first]", password: "[REDACTED:second]", api_key: "[REDACTED:secret]" },
    counts: { first: 1, second: 1, secret: 1 },
  },
  {
    name: "user patterns run first and in strings only",
    options: { rules: [{ name: "employee_id", pattern: /\bE-\d{4}\b/i }] },
    input: { note: "ask e-1234 at jane@example.com", id: "E-9999" },
    expected: { note: "ask [REDACTED:employee_id] at [REDACTED:email]", id: "[REDACTED:employee_id]" },
    counts: { employee_id: 2, email: 1 },
  },
  {
    name: "a user pattern wins over a built-in detector on the same text",
    options: { rules: [{ name: "staff_email", pattern: "[a-z]+@corp\\.example" }] },
    input: "from ann@corp.example and bob@example.com",
    expected: "from [REDACTED:staff_email] and [REDACTED:email]",
    counts: { staff_email: 1, email: 1 },
  },
  {
    name: "long integers are scanned as text; other numbers are kept",
    options: {},
    input: { card: 4111111111111111, created: 1718900000000, n: 12345, f: 4111111111.5, big: "4111111111111111" },
    expected: { card: "[REDACTED:card_number]", created: 1718900000000, n: 12345, f: 4111111111.5, big: "[REDACTED:card_number]" },
    counts: { card_number: 2 },
  },
  {
    name: "a root string",
    options: {},
    input: "jane@example.com",
    expected: "[REDACTED:email]",
    counts: { email: 1 },
  },
];

describe("Redactor.redactTree", () => {
  it.each(treeCases)("$name", ({ options, input, expected, counts }) => {
    const frozen = deepFreeze(structuredClone(input));
    const result = new Redactor(options).redactTree(frozen);
    expect(result).toEqual({ value: expected, counts });
    // The input is untouched (frozen, so a write would have thrown) and equal to a fresh copy.
    expect(frozen).toEqual(input);
  });

  it("returns the very same tree when nothing matched", () => {
    const tree = toJsonSafe({
      messages: [{ role: "user", content: "What is the capital of France? Order ORD-2024-000123, 2024-01-15." }],
      metadata: { run_id: "01890a5d-ac96-774b-bcce-b302099a8057", max_tokens: 1024, tags: ["prod"] },
    });
    const redactor = new Redactor({ rules: [{ name: "x", keys: ["ssn"], paths: ["$..password"], pattern: "zzz-\\d+" }] });
    const result = redactor.redactTree(tree);
    expect(result.value).toBe(tree);
    expect(result.counts).toEqual({});
  });

  it("copies only the containers on the way to a replacement", () => {
    const tree = { a: { b: "jane@example.com", c: { d: 1 } }, e: [{ f: 2 }], g: "x" };
    const value = new Redactor().redactTree(tree).value as typeof tree;
    expect(value).not.toBe(tree);
    expect(value.a).not.toBe(tree.a);
    expect(value.a.c).toBe(tree.a.c);
    expect(value.e).toBe(tree.e);
    expect(Object.keys(value)).toEqual(["a", "e", "g"]);
  });

  it("keeps a __proto__ key as data in the copy", () => {
    const tree = toJsonSafe(JSON.parse('{"__proto__":{"polluted":true},"email":"jane@example.com"}')) as Record<string, JsonSafe>;
    const value = new Redactor().redactTree(tree).value as Record<string, JsonSafe>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, "__proto__")).toBe(true);
    expect(JSON.stringify(value)).toBe('{"__proto__":{"polluted":true},"email":"[REDACTED:email]"}');
  });

  it("replaces a subtree nested deeper than 500 levels", () => {
    let tree: JsonSafe = "jane@example.com";
    for (let i = 0; i < 600; i++) tree = [tree];
    let value = new Redactor().redactTree(tree).value;
    let depth = 0;
    while (Array.isArray(value)) {
      value = value[0];
      depth++;
    }
    expect([depth, value]).toEqual([500, "[MaxDepth]"]);
  });

  it("fails closed when the tree cannot be read", () => {
    const tree = {
      get boom(): JsonSafe {
        throw new Error("getter");
      },
    };
    expect(new Redactor().redactTree(tree as unknown as JsonSafe)).toEqual({ value: "[Unredactable]", counts: {} });
  });
});

describe("Redactor.redactString", () => {
  it("returns the same string and empty counts when nothing matched", () => {
    const text = "The password field is required (see ticket A-1001).";
    expect(new Redactor().redactString(text)).toEqual({ value: text, counts: {} });
  });

  it("skips empty matches of a lookahead pattern", () => {
    expect(new Redactor({ rules: [{ name: "x", pattern: "(?=x)" }] }).redactString("axb")).toEqual({ value: "axb", counts: {} });
  });

  it("counts repeated findings", () => {
    expect(new Redactor().redactString("a@example.com b@example.com a@example.com")).toEqual({
      value: "[REDACTED:email] [REDACTED:email] [REDACTED:email]",
      counts: { email: 3 },
    });
  });
});

describe("hmac replacement", () => {
  const hmac = new Redactor({ replacement: "hmac", hmacKey: KEY });

  it("writes [kind:first 12 hex digits of HMAC-SHA256(key, kind \\0 value)]", () => {
    expect(hmac.redactString("mail jane@example.com or 123-45-6789")).toEqual({
      value: `mail ${pseudonym("email", "jane@example.com")} or ${pseudonym("us_ssn", "123-45-6789")}`,
      counts: { email: 1, us_ssn: 1 },
    });
  });

  it("is deterministic across calls and instances with the same key", () => {
    const again = new Redactor({ replacement: "hmac", hmacKey: Buffer.from(KEY) });
    const a = hmac.redactString("jane@example.com").value;
    expect([hmac.redactString("jane@example.com").value, again.redactString("jane@example.com").value]).toEqual([a, a]);
  });

  it("gives different tokens for another key, another value, or the same value under another kind", () => {
    const other = new Redactor({ replacement: "hmac", hmacKey: "another-key-0123456789" });
    const asRule = new Redactor({ replacement: "hmac", hmacKey: KEY, rules: [{ name: "contact", keys: ["to"] }] });
    const tokens = [
      hmac.redactString("jane@example.com").value,
      other.redactString("jane@example.com").value,
      hmac.redactString("john@example.com").value,
      (asRule.redactTree({ to: "jane@example.com" }).value as Record<string, JsonSafe>).to,
    ];
    expect(tokens[3]).toBe(pseudonym("contact", "jane@example.com"));
    expect(new Set(tokens).size).toBe(4);
  });

  it("pseudonymizes a whole non-string value by its canonical JSON (sorted keys)", () => {
    const redactor = new Redactor({ replacement: "hmac", hmacKey: KEY, rules: [{ name: "addr", keys: ["address"] }] });
    const a = redactor.redactTree({ address: { zip: "1", city: "A" } }).value;
    const b = redactor.redactTree({ address: { city: "A", zip: "1" } }).value;
    expect(a).toEqual({ address: pseudonym("addr", '{"city":"A","zip":"1"}') });
    expect(b).toEqual(a);
  });

  it("reads the key from LANGCHAIN_OTEL_REDACTION_KEY when the option is not set", () => {
    const fromEnv = new Redactor({ replacement: "hmac" }, { LANGCHAIN_OTEL_REDACTION_KEY: KEY });
    expect(fromEnv.redactString("jane@example.com").value).toBe(pseudonym("email", "jane@example.com"));
  });

  it("prefers the option over the environment", () => {
    const both = new Redactor({ replacement: "hmac", hmacKey: KEY }, { LANGCHAIN_OTEL_REDACTION_KEY: "some-other-key-123456" });
    expect(both.redactString("jane@example.com").value).toBe(pseudonym("email", "jane@example.com"));
  });
});

describe("Redactor.addCounts", () => {
  it.each<[Record<string, number>, Record<string, number>, Record<string, number>]>([
    [{}, {}, {}],
    [{}, { email: 2 }, { email: 2 }],
    [{ email: 1, phone: 3 }, { email: 2, secret: 1 }, { email: 3, phone: 3, secret: 1 }],
  ])("%j + %j", (into, counts, expected) => {
    Redactor.addCounts(into, counts);
    expect(into).toEqual(expected);
  });
});
