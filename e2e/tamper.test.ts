// SPDX-License-Identifier: Apache-2.0
// Tamper-proof, on the real stack: the quickstart example signs its trail (LANGCHAIN_OTEL_SIGNING_KEY_FILE, a key
// from `langchain-otel-audit keygen`), the collector writes it to the audit files and sends the checkpoints to the
// SIEM (rsyslog); `verify --public-key` passes on the collector's files and against the SIEM's file as anchor, and
// catches the newest records cut with their seals. The OTLP receiver refuses a forged POST without the bearer token
// (401); one with the token but no signing key lands, and `verify --public-key` fails it.
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, endpoints, otlpAuthHeaders } from "../collector-config/scripts/stack.mjs";
import {
  canonicalJson,
  canonicalLogRecordFromOtlpJson,
  canonicalResourceFromOtlpJson,
  canonicalScopeFromOtlpJson,
  chainHash,
  GENESIS_HASH,
} from "../packages/node/dist/integrity/index.js";
import { auditCli } from "./support/audit-cli.ts";
import { type NodeRun, otlpAppEnv, runNode } from "./support/child.ts";
import { readFileSpans, readLogRecords } from "./support/otlp-files.ts";
import { pollUntil, pollUntilStable } from "./support/poll.ts";
import { parseRfc5424, readSyslogLines } from "./support/rfc5424.ts";
import { useStack } from "./support/stack.ts";

const SERVICE = "e2e-tamper-quickstart";
const stack = useStack("tamper");
const lines = (file: string) => readFileSync(file, "utf8").split("\n").filter((line) => line !== "");
const out = (run: NodeRun) => run.stdout.split("\n").filter((line) => line !== "");

/** The SIEM's checkpoint lines: the RFC 5424 messages whose MSGID is audit.checkpoint. */
const siemCheckpoints = () => readSyslogLines(stack.paths.siemFile).map(parseRfc5424).filter((m) => m.msgId === "audit.checkpoint");

describe("a signed trail on the real stack", () => {
  let keys: { privateFile: string; publicFile: string; keyId: string };
  let app: NodeRun;
  let instance: string;

  beforeAll(async () => {
    const keygen = await auditCli(["keygen", "--out", path.join(stack.stackDir, "keys")]);
    expect(keygen.code).toBe(0);
    keys = {
      privateFile: path.join(stack.stackDir, "keys", "audit-signing.key"),
      publicFile: path.join(stack.stackDir, "keys", "audit-signing.pub"),
      keyId: /^key ID ([0-9a-f]{16})$/m.exec(keygen.stdout)![1]!,
    };
    app = await runNode(["--import", "@langchain-otel/node/register", "src/main.mjs"], {
      cwd: path.join(REPO_ROOT, "examples", "quickstart"),
      env: otlpAppEnv(SERVICE, {
        LANGCHAIN_OTEL_SIGNING_KEY_FILE: keys.privateFile,
        // A checkpoint every 4 records, so the trail has checkpoints besides the seals.
        LANGCHAIN_OTEL_CHECKPOINT_RECORDS: "4",
        OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "2",
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "4",
      }),
      timeoutMillis: 60_000,
    });
    // The app exits once its seals are exported; the SIEM gets them through the collector's queue.
    const delivered = await pollUntil(
      () => ({ records: readLogRecords(stack.paths.logsFile), siem: siemCheckpoints() }),
      ({ records, siem }) => {
        const checkpoints = records.filter((r) => r.eventName === "audit.checkpoint");
        return checkpoints.filter((r) => r.attributes["audit.checkpoint.kind"] === "seal").length === 2 && siem.length === checkpoints.length;
      },
      { timeoutMillis: 30_000 },
    );
    expect(delivered.satisfied).toBe(true);
    instance = String(readLogRecords(stack.paths.logsFile)[0]!.resource["service.instance.id"]);
  }, 120_000);

  it("the app ran and wrote checkpoints and a seal per chain, all with the new key", () => {
    expect({ code: app.code, stderr: app.stderr }).toEqual({ code: 0, stderr: "" });
    const checkpoints = readLogRecords(stack.paths.logsFile).filter((r) => r.eventName === "audit.checkpoint");
    const spans = readFileSpans(stack.paths.tracesFile);
    expect(spans).toHaveLength(6);
    // 6 spans: a traces checkpoint at 4, the seal at 6; 12 run records plus those two: a logs checkpoint at 4, 8, 12.
    expect(checkpoints.map((r) => [r.attributes["audit.checkpoint.signal"], r.attributes["audit.checkpoint.index"], r.attributes["audit.checkpoint.kind"]]).sort()).toEqual(
      [
        ["logs", 1, "checkpoint"],
        ["logs", 2, "checkpoint"],
        ["logs", 3, "checkpoint"],
        ["logs", 4, "seal"],
        ["traces", 1, "checkpoint"],
        ["traces", 2, "seal"],
      ].sort(),
    );
    expect(new Set(checkpoints.map((r) => r.attributes["audit.checkpoint.key_id"]))).toEqual(new Set([keys.keyId]));
  });

  it("verify --public-key passes on the collector's files: every record signed, every chain sealed", async () => {
    const run = await auditCli(["verify", "--public-key", keys.publicFile, stack.paths.auditDir]);
    expect({ code: run.code, stderr: run.stderr, last: out(run).at(-1) }).toEqual({
      code: 0,
      stderr: "",
      last: `OK: 24 records verified in 2 chains; every record signed (${keys.keyId}) and every chain sealed`,
    });
    expect(out(run)).toContain(`  traces: 6 records (seq 1..6), 0 duplicates, signed through seq 6 by ${keys.keyId} (2 checkpoints), sealed: ok`);
  });

  it("verify --anchor: every checkpoint of the trail is in the SIEM's file, and the SIEM's are in the trail", async () => {
    const run = await auditCli(["verify", "--public-key", keys.publicFile, "--anchor", stack.paths.siemFile, stack.paths.auditDir]);
    expect({ code: run.code, last: out(run).at(-1) }).toEqual({
      code: 0,
      last: `OK: 24 records verified in 2 chains; every record signed (${keys.keyId}) and every chain sealed, 6 checkpoints matched in the anchor`,
    });
  });

  it("the newest lines cut from both files, seals included: unsealed with the key alone, removed per the SIEM's anchor", async () => {
    const copy = path.join(stack.stackDir, "cut-audit");
    cpSync(stack.paths.auditDir, copy, { recursive: true });
    for (const name of ["traces.jsonl", "logs.jsonl"]) {
      const file = path.join(copy, name);
      writeFileSync(file, lines(file).slice(0, -1).join("\n") + "\n");
    }
    const keyOnly = await auditCli(["verify", "--json", "--public-key", keys.publicFile, copy]);
    const withAnchor = await auditCli(["verify", "--json", "--public-key", keys.publicFile, "--anchor", stack.paths.siemFile, copy]);
    expect([keyOnly.code, withAnchor.code]).toEqual([1, 1]);
    const codes = (run: NodeRun) => Object.keys(JSON.parse(run.stdout).findingCounts).sort();
    expect(codes(keyOnly)).toEqual(["unsealed"]);
    expect(codes(withAnchor)).toEqual(expect.arrayContaining(["anchor-only", "gap"]));
    const onlyInAnchor = JSON.parse(withAnchor.stdout).findings.filter((f: { code: string }) => f.code === "anchor-only");
    expect(onlyInAnchor.map((f: { file: string; message: string }) => [f.file, f.message])).toContainEqual([
      stack.paths.siemFile,
      expect.stringMatching(/^checkpoint 4 \(seq \d+\.\.\d+\) is in the anchor but not in the trail: removed from the trail$/),
    ]);
  });

  it("a forged POST without the bearer token is refused with 401 and reaches no sink", async () => {
    const before = lines(stack.paths.logsFile).length;
    const response = await fetch(endpoints().otlpLogs, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(forgedApproval(0)) });
    expect(response.status).toBe(401);
    const wrongToken = await fetch(endpoints().otlpLogs, {
      method: "POST",
      headers: { "content-type": "application/json", Authorization: "Bearer not-the-token" },
      body: JSON.stringify(forgedApproval(0)),
    });
    expect(wrongToken.status).toBe(401);
    expect(lines(stack.paths.logsFile).length).toBe(before);
  });

  it("a forged chain POSTed with the token lands in the files, and verify --public-key fails it", async () => {
    const response = await fetch(endpoints().otlpLogs, {
      method: "POST",
      headers: { "content-type": "application/json", ...otlpAuthHeaders({ stackDir: stack.stackDir }) },
      body: JSON.stringify(forgedApproval(2)),
    });
    expect(response.status).toBe(200);
    const landed = await pollUntilStable(
      () => readLogRecords(stack.paths.logsFile).filter((r) => r.resource["service.instance.id"] === "forged-instance").length,
      (n) => String(n),
      { timeoutMillis: 10_000, quietMillis: 500, ready: (n) => n === 2 },
    );
    expect(landed.value).toBe(2);
    // Its hashes are valid: without a key the forgery passes; with the key its chain is signed by no trusted key.
    const unsigned = await auditCli(["verify", stack.paths.auditDir]);
    expect(unsigned.code).toBe(0);
    const signed = await auditCli(["verify", "--json", "--public-key", keys.publicFile, stack.paths.auditDir]);
    expect(signed.code).toBe(1);
    const report = JSON.parse(signed.stdout);
    expect(report.findings.map((f: Record<string, unknown>) => [f.code, f.instance, f.signal, f.message])).toEqual([
      ["untrusted-chain", "forged-instance", "logs", "no checkpoint covers this chain (2 records): it was not signed, or its checkpoints were removed (a forged chain looks like this)"],
    ]);
    // One summary per instance, in instance order.
    expect(report.instances.map((i: Record<string, unknown>) => [i.instance, i.ok])).toEqual(
      [
        ["forged-instance", false],
        [instance, true],
      ].sort((a, b) => (String(a[0]) < String(b[0]) ? -1 : 1)),
    );
  });
});

/**
 * An "approve_wire" run as a forger would POST it: a start and an end record of a new instance, `seqs` of them
 * stamped with a valid hash chain (0: no audit fields at all).
 */
function forgedApproval(seqs: number) {
  const resource = { attributes: [{ key: "service.name", value: { stringValue: "payments" } }, { key: "service.instance.id", value: { stringValue: "forged-instance" } }] };
  const scope = { name: "@langchain-otel/instrumentation", version: "0.1.0" };
  const records = ["langchain.run.start", "langchain.run.end"].map((event, i) => ({
    timeUnixNano: String(1795514400000000000n + BigInt(i) * 1000000n),
    observedTimeUnixNano: String(1795514400000000000n + BigInt(i) * 1000000n),
    severityNumber: 9,
    severityText: "INFO",
    body: {},
    attributes: [
      { key: "event.name", value: { stringValue: event } },
      { key: "langchain.run_id", value: { stringValue: "019ab3c4-0000-7000-8000-00000000f0f0" } },
      { key: "langchain.run_name", value: { stringValue: "approve_wire" } },
      { key: "session.id", value: { stringValue: "s-forged" } },
    ],
    eventName: event,
  }));
  const context = { resource: canonicalResourceFromOtlpJson(resource, undefined), scope: canonicalScopeFromOtlpJson(scope, undefined) };
  let prev = GENESIS_HASH;
  for (let i = 0; i < seqs; i++) {
    const record = records[i]!;
    record.attributes.push({ key: "audit.seq", value: { intValue: String(i + 1) } as never });
    prev = chainHash(prev, canonicalJson(canonicalLogRecordFromOtlpJson(record as never, context)));
    record.attributes.push({ key: "audit.hash", value: { stringValue: prev } });
  }
  return { resourceLogs: [{ resource, scopeLogs: [{ scope, logRecords: records }] }] };
}
