// SPDX-License-Identifier: Apache-2.0
// The bearer token the collector's OTLP receiver requires (otelcol.yaml: bearertokenauth/otlp): made once per
// state directory, kept in <state>/auth/otlp-token (directory 0700, file 0600), read by the collector through
// OTELCOL_BEARER_TOKEN_FILE and by the apps the tests start (OTEL_EXPORTER_OTLP_HEADERS).

import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { paths } from "./layout.mjs";
import { StackError } from "./util.mjs";

/** Writes a new random token into the state directory unless one is there; returns the token. */
export function ensureOtlpToken(p) {
  fs.mkdirSync(p.authDir, { recursive: true, mode: 0o700 });
  fs.chmodSync(p.authDir, 0o700);
  try {
    // "wx": never through an existing file or symlink; 0600 from the first byte.
    fs.writeFileSync(p.otlpTokenFile, `${randomBytes(32).toString("hex")}\n`, { flag: "wx", mode: 0o600 });
  } catch (err) {
    if (err.code !== "EEXIST") throw err;
  }
  fs.chmodSync(p.otlpTokenFile, 0o600);
  return readToken(p.otlpTokenFile);
}

function readToken(file) {
  const token = fs.readFileSync(file, "utf8").trim().split(/\s+/)[0];
  if (!token) throw new StackError(`${file} holds no token`);
  return token;
}

/** The token of the stack in `opts.stackDir` (or the default state directory). Throws when the stack never ran. */
export function otlpToken(opts = {}) {
  const p = paths(opts);
  if (!fs.existsSync(p.otlpTokenFile)) throw new StackError(`no OTLP token in ${p.otlpTokenFile}: start the stack first (pnpm stack:up)`);
  return readToken(p.otlpTokenFile);
}

/** The request header an OTLP client sends: `{ Authorization: "Bearer <token>" }`. */
export function otlpAuthHeaders(opts = {}) {
  return { Authorization: `Bearer ${otlpToken(opts)}` };
}

/** The same as an `OTEL_EXPORTER_OTLP_HEADERS` value. */
export function otlpHeadersEnv(opts = {}) {
  return `Authorization=Bearer ${otlpToken(opts)}`;
}
