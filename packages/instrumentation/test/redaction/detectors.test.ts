// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/redaction/index.js";
import type { RedactionKind } from "../../src/redaction/index.js";

// Synthetic credentials: the right shape, never issued.
const OPENAI_PROJECT_KEY = "sk-proj-Zx81kLmP0qRsT5uVwX9yA2bC3dE4fG5hI6jK7lM8nO9p_QrSt-UvWx";
const OPENAI_LEGACY_KEY = "sk-4f9KqL2mN8pR3sT6vW9xY1zA5bC7dE0gH2jK4mN6pQ8rS1tV";
const ANTHROPIC_KEY = "sk-ant-api03-Zx81kLmP0qRsT5uVwX9yA2bC3dE4fG5hI6jK7lM8nO9pQrStUvWx-AbCdEfGh-AA";
const SLACK_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
const AWS_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const GITHUB_PAT = "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789";
const GITHUB_FINE_GRAINED = "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUV0123";
// Header {"alg":"HS256","typ":"JWT"}, payload {"sub":"1234567890","name":"Jane"}.
const JWT =
  "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
// Header {"alg":"none"}: an unsecured JWT has an empty signature.
const UNSECURED_JWT = "eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.";
const GENERIC_SECRET = "Zx81kLmP0qRsT5uVwX9yA2bC";

interface Positive {
  name: string;
  input: string;
  expected: string;
  counts: Record<string, number>;
}

const positives: Positive[] = [
  // api_key
  {
    name: "OpenAI project key inside a sentence",
    input: `Use ${OPENAI_PROJECT_KEY} for the call.`,
    expected: "Use [REDACTED:api_key] for the call.",
    counts: { api_key: 1 },
  },
  { name: "OpenAI legacy key at the end", input: `key=${OPENAI_LEGACY_KEY}`, expected: "key=[REDACTED:api_key]", counts: { api_key: 1 } },
  { name: "Anthropic key at the start", input: `${ANTHROPIC_KEY} is set`, expected: "[REDACTED:api_key] is set", counts: { api_key: 1 } },
  {
    name: "API key in a JSON string",
    input: `{"openai_api_key":"${OPENAI_PROJECT_KEY}","model":"gpt-4o"}`,
    expected: '{"openai_api_key":"[REDACTED:api_key]","model":"gpt-4o"}',
    counts: { api_key: 1 },
  },
  { name: "Slack bot token in parentheses", input: `(${SLACK_TOKEN})`, expected: "([REDACTED:api_key])", counts: { api_key: 1 } },
  // aws_access_key
  { name: "AWS access key id", input: "id AKIAIOSFODNN7EXAMPLE, region eu-west-1", expected: "id [REDACTED:aws_access_key], region eu-west-1", counts: { aws_access_key: 1 } },
  { name: "AWS session key id", input: "ASIAY34FZKBOKMUTVV7A", expected: "[REDACTED:aws_access_key]", counts: { aws_access_key: 1 } },
  {
    name: "AWS secret key, env style",
    input: `AWS_SECRET_ACCESS_KEY=${AWS_SECRET_KEY}`,
    expected: "AWS_SECRET_ACCESS_KEY=[REDACTED:aws_access_key]",
    counts: { aws_access_key: 1 },
  },
  {
    name: "AWS key pair in JSON",
    input: `{"AccessKeyId":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"${AWS_SECRET_KEY}"}`,
    expected: '{"AccessKeyId":"[REDACTED:aws_access_key]","SecretAccessKey":"[REDACTED:aws_access_key]"}',
    counts: { aws_access_key: 2 },
  },
  // github_token
  { name: "GitHub classic token", input: `token ${GITHUB_PAT} end`, expected: "token [REDACTED:github_token] end", counts: { github_token: 1 } },
  {
    name: "GitHub OAuth and server tokens",
    input: "gho_16C7e42F292c6912E7710c838347Ae178B4a;ghs_16C7e42F292c6912E7710c838347Ae178B4a",
    expected: "[REDACTED:github_token];[REDACTED:github_token]",
    counts: { github_token: 2 },
  },
  { name: "GitHub fine-grained token", input: `"${GITHUB_FINE_GRAINED}"`, expected: '"[REDACTED:github_token]"', counts: { github_token: 1 } },
  // jwt
  { name: "JWT in a sentence, before a period", input: `The id token is ${JWT}.`, expected: "The id token is [REDACTED:jwt].", counts: { jwt: 1 } },
  { name: "unsecured JWT", input: `jwt=${UNSECURED_JWT} ok`, expected: "jwt=[REDACTED:jwt] ok", counts: { jwt: 1 } },
  // bearer_token
  {
    name: "Authorization header with an opaque token",
    input: "Authorization: Bearer 4f9c2a7e1b3d5f6a8c0e2b4d6f8a1c3e",
    expected: "Authorization: Bearer [REDACTED:bearer_token]",
    counts: { bearer_token: 1 },
  },
  {
    name: "lower-case bearer, token ending a sentence",
    input: "send bearer AbCdEfGhIjKlMnOpQrSt.uVwXyZ_0123-~+/== now. Or bearer q7Rt9LmX2vBn4KpW8sZy.",
    expected: "send bearer [REDACTED:bearer_token] now. Or bearer [REDACTED:bearer_token].",
    counts: { bearer_token: 2 },
  },
  { name: "Bearer JWT is reported as a JWT", input: `Bearer ${JWT}`, expected: "Bearer [REDACTED:jwt]", counts: { jwt: 1 } },
  // secret
  {
    name: "HTTP Basic credentials",
    input: "Authorization: Basic YWxhZGRpbjpvcGVuc2VzYW1l",
    expected: "Authorization: Basic [REDACTED:secret]",
    counts: { secret: 1 },
  },
  { name: "password after a colon", input: "password: hunter2x9Qz!Lm4#Vb7Wp", expected: "password: [REDACTED:secret]", counts: { secret: 1 } },
  {
    name: "api_key in JSON text",
    input: `{"api_key":"${GENERIC_SECRET}","n":1}`,
    expected: '{"api_key":"[REDACTED:secret]","n":1}',
    counts: { secret: 1 },
  },
  { name: "secret= before a period", input: `secret=${GENERIC_SECRET}.`, expected: "secret=[REDACTED:secret].", counts: { secret: 1 } },
  {
    name: "camelCase and upper-case names, quoted values",
    input: `clientSecret = '${GENERIC_SECRET}'; ACCESS_TOKEN: "${GENERIC_SECRET}"`,
    expected: `clientSecret = '[REDACTED:secret]'; ACCESS_TOKEN: "[REDACTED:secret]"`,
    counts: { secret: 2 },
  },
  {
    name: "escaped JSON inside a string",
    input: `{\\"db_password\\":\\"${GENERIC_SECRET}\\"}`,
    expected: `{\\"db_password\\":\\"[REDACTED:secret]\\"}`,
    counts: { secret: 1 },
  },
  { name: "credentials with =>", input: `credentials => ${GENERIC_SECRET}`, expected: "credentials => [REDACTED:secret]", counts: { secret: 1 } },
  // email
  { name: "email in a sentence", input: "Mail jane.doe@example.com today", expected: "Mail [REDACTED:email] today", counts: { email: 1 } },
  {
    name: "emails with tags, subdomains, quotes and punctuation",
    input: "'jane.doe+tag@mail.example.co.uk', <j_o-e@sub.example.org>; see ops@example.com.",
    expected: "'[REDACTED:email]', <[REDACTED:email]>; see [REDACTED:email].",
    counts: { email: 3 },
  },
  { name: "mailto link", input: "mailto:jane@example.com?subject=hi", expected: "mailto:[REDACTED:email]?subject=hi", counts: { email: 1 } },
  { name: "internationalized address", input: "jörg.müller@beispiel.de", expected: "[REDACTED:email]", counts: { email: 1 } },
  { name: "address between CJK words", input: "请联系jane@example.com谢谢", expected: "请联系[REDACTED:email]谢谢", counts: { email: 1 } },
  {
    name: "email in JSON text",
    input: '{"to":["a.b@example.com","c@example.net"]}',
    expected: '{"to":["[REDACTED:email]","[REDACTED:email]"]}',
    counts: { email: 2 },
  },
  // phone
  { name: "E.164 compact at the end", input: "call +14155550123", expected: "call [REDACTED:phone]", counts: { phone: 1 } },
  { name: "NANP with parentheses", input: "(415) 555-0123 is the desk", expected: "[REDACTED:phone] is the desk", counts: { phone: 1 } },
  {
    name: "NANP dashed, dotted, spaced and with a 1 prefix",
    input: "415-555-0123, 415.555.0123, 415 555 0123, 1-800-555-0199.",
    expected: "[REDACTED:phone], [REDACTED:phone], [REDACTED:phone], [REDACTED:phone].",
    counts: { phone: 4 },
  },
  {
    name: "international with separators",
    input: "UK +44 20 7946 0958, +44 (0)20 7946 0958; US +1 (415) 555-0123; FR +33 1 23 45 67 89; DE +49 30 12345678",
    expected: "UK [REDACTED:phone], [REDACTED:phone]; US [REDACTED:phone]; FR [REDACTED:phone]; DE [REDACTED:phone]",
    counts: { phone: 5 },
  },
  {
    name: "national trunk-0 numbers",
    input: "020 7946 0958 / 07700 900123 / 01 23 45 67 89",
    expected: "[REDACTED:phone] / [REDACTED:phone] / [REDACTED:phone]",
    counts: { phone: 3 },
  },
  { name: "phone in JSON text", input: '{"phone":"+1-415-555-0123"}', expected: '{"phone":"[REDACTED:phone]"}', counts: { phone: 1 } },
  // card_number
  {
    name: "Visa grouped by spaces and dashes",
    input: "card 4111 1111 1111 1111, or 4111-1111-1111-1111.",
    expected: "card [REDACTED:card_number], or [REDACTED:card_number].",
    counts: { card_number: 2 },
  },
  {
    name: "unseparated Mastercard, Discover and JCB",
    input: "5555555555554444;2223003122003222;6011111111111117;3530111333300000",
    expected: "[REDACTED:card_number];[REDACTED:card_number];[REDACTED:card_number];[REDACTED:card_number]",
    counts: { card_number: 4 },
  },
  {
    name: "Amex and Diners groupings",
    input: "Amex 3782 822463 10005, Diners 3056 930902 5904, Amex 378282246310005",
    expected: "Amex [REDACTED:card_number], Diners [REDACTED:card_number], Amex [REDACTED:card_number]",
    counts: { card_number: 3 },
  },
  // iban
  {
    name: "IBAN printed in groups, followed by a currency",
    input: "IBAN DE89 3704 0044 0532 0130 00 EUR",
    expected: "IBAN [REDACTED:iban] EUR",
    counts: { iban: 1 },
  },
  {
    name: "IBANs in electronic form",
    input: "DE89370400440532013000, GB82WEST12345698765432, FR1420041010050500013M02606, NO9386011117947",
    expected: "[REDACTED:iban], [REDACTED:iban], [REDACTED:iban], [REDACTED:iban]",
    counts: { iban: 4 },
  },
  { name: "IBAN with letters in groups", input: "(GB82 WEST 1234 5698 7654 32)", expected: "([REDACTED:iban])", counts: { iban: 1 } },
  // us_ssn
  { name: "SSN in a sentence", input: "SSN 123-45-6789 on file", expected: "SSN [REDACTED:us_ssn] on file", counts: { us_ssn: 1 } },
  { name: "SSN in JSON text", input: '{"ssn":"078-05-1120"}', expected: '{"ssn":"[REDACTED:us_ssn]"}', counts: { us_ssn: 1 } },
  // several kinds at once
  {
    name: "mixed payload",
    input: `From jane@example.com (+1 415-555-0123): card 4111111111111111, key ${OPENAI_LEGACY_KEY}`,
    expected: "From [REDACTED:email] ([REDACTED:phone]): card [REDACTED:card_number], key [REDACTED:api_key]",
    counts: { email: 1, phone: 1, card_number: 1, api_key: 1 },
  },
];

const negatives: [name: string, text: string][] = [
  ["UUID v4", "f47ac10b-58cc-4372-a567-0e02b2c3d479"],
  ["UUID v7 (LangChain run id)", "run 01890a5d-ac96-774b-bcce-b302099a8057 parent 0190163d-8694-739b-aadc-d72d3e3d2e4d"],
  ["all-digit UUID", "00000000-0000-4000-8000-000000000000"],
  ["ISO dates and datetimes", "2024-01-15, 2024-01-15T10:30:00.000Z, 2024-01-15 10:30:00+02:00, 20240115T103000Z"],
  ["other date formats", "15.01.2024 01/15/2024 01-15-2024 15 Jan 2024"],
  ["times", "10:30, 23:59:59.999, 10:30-11:45"],
  ["order numbers", "A-1001 ORD-2024-000123 123456789 #100234 INV 2024 000123"],
  ["versions", "1.2.3 v2.0.0-rc2 10.0.19041.1 node@24.1.0"],
  ["prices and amounts", "$1,299.99 € 2.499,00 1,234,567,890 3.14159265358979"],
  ["IP addresses", "192.168.1.1 10.0.0.255 255.255.255.0 2001:db8::8a2e:370:7334"],
  ["SHA-256 of text", createHash("sha256").update("hello world").digest("hex")],
  ["base64 PNG header", "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="],
  ["password followed by words", "the password field is required"],
  ["secret words in prose", "Enter your API key in the settings page. The secret to good tests is clear names."],
  ["token counts", "the token limit is 4096 and max_tokens=1024; tokens: 12"],
  ["low-entropy or word-like values after names", "key: com.example.my_application.settings token: organization_membership_token"],
  ["repeated password", "password: aaaaaaaaaaaaaaaaaaaaaaaaaa"],
  ["Luhn-invalid 16 digits", "4111111111111112 and 4111 1111 1111 1112"],
  ["epoch milliseconds (13 digits starting with 1)", "created 1718900000000"],
  ["digits inside a longer run", "41111111111111111111"],
  ["IBAN with a bad checksum", "DE89370400440532013001 DE00 3704 0044 0532 0130 00"],
  ["SSNs with a zero or reserved area, zero group or serial", "000-12-3456 666-12-3456 912-12-3456 123-00-6789 123-45-0000"],
  ["number ranges and ISBNs", "ISBN 978-0-306-40615-7, pages 100-200, 5551234"],
  ["plus signs in math", "x+12345678 and 1+23456789"],
  ["sk- words", "sk-learn-is-a-python-library-name"],
  ["Bearer and Basic in prose", "Bearer authentication is simple. Basic information about the user."],
  ["at signs that are not emails", "@langchain/core user@localhost pkg@1.2.3 a@b.c x@-a.com y@a..com z@a.c0m"],
  ["address with a local part over 64 characters", `${"a".repeat(65)}@example.com`],
  ["address with a domain over 253 characters", `a@${"b".repeat(250)}.example.com`],
  ["JWT-like text whose header has no alg", "eyJub3RhIjoiaGVhZGVyIn0.eyJzdWIiOiIxIn0.c2ln"],
  ["AWS-like id with a lower-case letter", "AKIAIOSFODNN7EXAMPLe"],
  ["short GitHub-like prefix", "ghp_short"],
  ["empty string", ""],
];

describe("built-in detectors", () => {
  const redactor = new Redactor();

  it.each(positives)("redacts: $name", ({ input, expected, counts }) => {
    expect(redactor.redactString(input)).toEqual({ value: expected, counts });
  });

  it.each(positives)("leaves its own output alone: $name", ({ expected }) => {
    expect(redactor.redactString(expected)).toEqual({ value: expected, counts: {} });
  });

  it.each(negatives)("keeps %s", (_name, text) => {
    const result = redactor.redactString(text);
    expect(result).toEqual({ value: text, counts: {} });
    expect(result.value).toBe(text);
  });

  const sample = `jane@example.com 4111111111111111 +14155550123 123-45-6789 ${GITHUB_PAT} ${JWT}`;
  it.each<[RedactionKind[] | "none", string, Record<string, number>]>([
    ["none", sample, {}],
    [["email"], `[REDACTED:email] 4111111111111111 +14155550123 123-45-6789 ${GITHUB_PAT} ${JWT}`, { email: 1 }],
    [
      ["card_number", "us_ssn"],
      `jane@example.com [REDACTED:card_number] +14155550123 [REDACTED:us_ssn] ${GITHUB_PAT} ${JWT}`,
      { card_number: 1, us_ssn: 1 },
    ],
    [["phone", "github_token", "jwt"], `jane@example.com 4111111111111111 [REDACTED:phone] 123-45-6789 [REDACTED:github_token] [REDACTED:jwt]`, { phone: 1, github_token: 1, jwt: 1 }],
  ])("detectors %j run only those detectors", (detectors, expected, counts) => {
    expect(new Redactor({ detectors }).redactString(sample)).toEqual({ value: expected, counts });
  });
});
