// SPDX-License-Identifier: Apache-2.0
// The collector's OTLP receiver over TLS (collector-config/otelcol-tls.yaml), with a certificate authority this test
// makes with openssl: an app exports to https://127.0.0.1:4318 trusting that CA through
// OTEL_EXPORTER_OTLP_CERTIFICATE, with the bearer token; its trail arrives and verifies. A client that does not
// trust the CA, or speaks plain HTTP, gets nothing through.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import https from "node:https";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PORTS, REPO_ROOT, otlpAuthHeaders } from "../collector-config/scripts/stack.mjs";
import { auditCli } from "./support/audit-cli.ts";
import { type NodeRun, otlpAppEnv, runNode } from "./support/child.ts";
import { readFileSpans, readLogRecords } from "./support/otlp-files.ts";
import { pollUntilStable } from "./support/poll.ts";
import { useStack } from "./support/stack.ts";

/** A CA, and a server certificate it signs for 127.0.0.1 (the only address the stack listens on). */
function makeCertificates(dir: string): { ca: string; certFile: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "2", "-subj", "/CN=langchain-otel e2e CA");
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(file("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  openssl("x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial", "-out", file("server.pem"), "-days", "2", "-extfile", file("server.ext"));
  return { ca: file("ca.pem"), certFile: file("server.pem"), keyFile: file("server.key") };
}

let certificates: ReturnType<typeof makeCertificates>;
const stack = useStack("tls", {
  upOptions: (stackDir) => {
    certificates = makeCertificates(path.join(stackDir, "tls"));
    return { collectorTls: { certFile: certificates.certFile, keyFile: certificates.keyFile } };
  },
});
const HTTPS_ENDPOINT = `https://127.0.0.1:${PORTS.otlpHttp}`;

/** A POST to the receiver with `options`: the HTTP status, or the error's code when the connection failed. */
function post(url: string, options: https.RequestOptions): Promise<number | string> {
  return new Promise((resolve) => {
    const request = https.request(url, { ...options, method: "POST", headers: { "content-type": "application/json", ...options.headers } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    request.end(JSON.stringify({ resourceLogs: [] }));
  });
}

describe("OTLP over TLS with a test-made CA", () => {
  let app: NodeRun;

  beforeAll(async () => {
    app = await runNode(["--import", "@langchain-otel/node/register", "src/main.mjs"], {
      cwd: path.join(REPO_ROOT, "examples", "quickstart"),
      env: otlpAppEnv("e2e-tls-quickstart", { OTEL_EXPORTER_OTLP_ENDPOINT: HTTPS_ENDPOINT, OTEL_EXPORTER_OTLP_CERTIFICATE: certificates.ca }),
      timeoutMillis: 60_000,
    });
    await pollUntilStable(
      () => readLogRecords(stack.paths.logsFile).length,
      (n) => String(n),
      { timeoutMillis: 20_000, quietMillis: 1000, ready: (n) => n === 12 },
    );
  }, 120_000);

  it("an app trusting the CA exports its trail over https, which verifies", async () => {
    expect({ code: app.code, stderr: app.stderr }).toEqual({ code: 0, stderr: "" });
    expect([readFileSpans(stack.paths.tracesFile).length, readLogRecords(stack.paths.logsFile).length]).toEqual([6, 12]);
    const verify = await auditCli(["verify", stack.paths.auditDir]);
    expect([verify.code, verify.stdout.split("\n").filter((l) => l.startsWith("OK: "))]).toEqual([0, ["OK: 18 records verified in 2 chains"]]);
  });

  it("the CA and the token get a request in; without the CA the handshake fails, without the token 401", async () => {
    const ca = readFileSync(certificates.ca);
    const token = otlpAuthHeaders({ stackDir: stack.stackDir });
    expect(await post(`${HTTPS_ENDPOINT}/v1/logs`, { ca, headers: token })).toBe(200);
    expect(await post(`${HTTPS_ENDPOINT}/v1/logs`, { ca })).toBe(401);
    expect(await post(`${HTTPS_ENDPOINT}/v1/logs`, { headers: token })).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
    // Plain HTTP to the TLS port: the server answers with a TLS-only error, not the pipeline.
    const plain = await fetch(`http://127.0.0.1:${PORTS.otlpHttp}/v1/logs`, { method: "POST", headers: { "content-type": "application/json", ...token }, body: "{}" });
    expect(plain.status).toBe(400);
  });
});
