// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { isSecretKey } from "../../src/redaction/secret-keys.js";

describe("isSecretKey", () => {
  it.each([
    "password",
    "Password",
    "db_password",
    "DB-PASSWORD",
    "passwd",
    "secret",
    "client_secret",
    "clientSecret",
    "secret_key",
    "token",
    "access_token",
    "refreshToken",
    "GITHUB_TOKEN",
    "api_key",
    "apiKey",
    "apikey",
    "X-Api-Key",
    "openai_api_key",
    "Authorization",
    "proxy-authorization",
    "access_key",
    "aws_secret_access_key",
    "private_key",
    "privateKey",
    "api_key_",
  ])("%j names a secret", (key) => {
    expect(isSecretKey(key)).toBe(true);
  });

  it.each([
    "max_tokens",
    "input_tokens",
    "total_tokens",
    "token_count",
    "token_type",
    "tokenizer",
    "key",
    "keys",
    "primary_key",
    "monkey",
    "secrets",
    "password_hint",
    "passwords",
    "author",
    "",
    "_",
    "content",
  ])("%j does not", (key) => {
    expect(isSecretKey(key)).toBe(false);
  });
});
