// SPDX-License-Identifier: Apache-2.0
// start() with a signing key: the trail it writes carries signed checkpoints and, after shutdown, a seal per chain.
import { generateKeyPairSync } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DiagLogLevel, context, diag, logs, propagation, trace } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  GENESIS_HASH,
  canonicalJson,
  canonicalSpanFromOtlpJson,
  chainHash,
  checkpointFromAttributes,
  checkpointSignatureValid,
  verifyKeyFromPem,
  type SignedCheckpoint,
} from "../src/integrity/index.js";
import { spansOfLine } from "./integrity/otlp-lines.js";
import { ConfigurationError } from "../src/settings.js";
import { getHandle, start } from "../src/start.js";
import { readFileLogRecords, readFileSpans, type FileLogRecord, type FileSpan } from "./helpers.js";
import { VECTOR_KEY_ID, VECTOR_PRIVATE_KEY_PEM, VECTOR_PUBLIC_KEY_PEM } from "./integrity/fixtures.js";

let dir: string;
let keyFile: string;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "signing-"));
  keyFile = path.join(dir, "audit-signing.key");
  writeFileSync(keyFile, VECTOR_PRIVATE_KEY_PEM, { mode: 0o600 });
  for (const name of Object.keys(process.env)) {
    if (name.startsWith("OTEL_") || name.startsWith("LANGCHAIN_OTEL_")) vi.stubEnv(name, "");
  }
  // Synchronous detectors only: records then never wait for the resource (host.id is read asynchronously off Linux), so the
  // order of spans, records and checkpoints below is the order they are made in.
  vi.stubEnv("OTEL_NODE_RESOURCE_DETECTORS", "env,os");
});

afterEach(async () => {
  await getHandle()?.shutdown();
  trace.disable();
  logs.disable();
  context.disable();
  propagation.disable();
  diag.disable();
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

type Item = FileSpan | FileLogRecord;
const value = (item: Item, key: string) => item.attributes?.find((a) => a.key === key)?.value;
const seqOf = (item: Item) => Number(value(item, "audit.seq")?.["intValue"]);
const hashOf = (item: Item) => value(item, "audit.hash")?.["stringValue"];

/** The checkpoint records of a logs file, parsed, each with its own seq. */
function checkpoints(records: FileLogRecord[], instance: string): Array<SignedCheckpoint & { seq: number }> {
  return records
    .filter((r) => value(r, "event.name")?.["stringValue"] === "audit.checkpoint")
    .map((r) => {
      const plain = (name: string) => {
        const v = value(r, name);
        return v === undefined ? undefined : ((v["stringValue"] ?? v["intValue"]) as string);
      };
      const parsed = checkpointFromAttributes(plain, instance);
      if ("error" in parsed) throw new Error(parsed.error);
      return { ...parsed, seq: seqOf(r) };
    });
}

function spans(handle: ReturnType<typeof start>, count: number): void {
  for (let i = 0; i < count; i++) trace.getTracer("test").startSpan(`s${i}`).end();
  void handle;
}

describe("start() with a signing key", () => {
  it("checkpoints every N records and seals both chains at shutdown, every signature the key's", async () => {
    const handle = start({ auditDir: dir, signingKeyFile: keyFile, checkpointRecords: 3 });
    spans(handle, 7);
    logs.getLogger("t").emit({ eventName: "langchain.run.start", attributes: { "event.name": "langchain.run.start" } });
    await handle.shutdown();

    const traces = readFileSpans(path.join(dir, "traces.jsonl"));
    const records = readFileLogRecords(path.join(dir, "logs.jsonl"));
    const found = checkpoints(records, handle.instanceId!);
    expect(found.map((c) => [c.fields.signal, c.fields.index, c.fields.first, c.fields.last, c.fields.kind, c.fields.keyId, c.seq])).toEqual([
      ["traces", 1, 1, 3, "checkpoint", VECTOR_KEY_ID, 1],
      ["traces", 2, 4, 6, "checkpoint", VECTOR_KEY_ID, 2],
      ["traces", 3, 7, 7, "seal", VECTOR_KEY_ID, 4],
      ["logs", 1, 1, 4, "seal", VECTOR_KEY_ID, 5],
    ]);
    const trusted = verifyKeyFromPem(VECTOR_PUBLIC_KEY_PEM);
    expect(found.every((c) => checkpointSignatureValid(c, trusted))).toBe(true);
    const bySeq = (items: Item[], seq: number) => items.find((i) => seqOf(i) === seq)!;
    for (const c of found) expect(c.fields.head).toBe(hashOf(bySeq(c.fields.signal === "traces" ? traces : records, c.fields.last)));
    // Checkpoints belong to no run: no trace context, the distro's scope.
    expect(records.filter((r) => r.eventName === "audit.checkpoint").map((r) => [r.traceId, r.spanId])).toEqual(Array(4).fill([undefined, undefined]));
  });

  it("checkpoints every interval a chain with new records (LANGCHAIN_OTEL_CHECKPOINT_INTERVAL_MILLIS)", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    vi.stubEnv("LANGCHAIN_OTEL_SIGNING_KEY_FILE", keyFile);
    vi.stubEnv("LANGCHAIN_OTEL_CHECKPOINT_INTERVAL_MILLIS", "2000");
    const handle = start({ auditDir: dir });
    spans(handle, 2);
    vi.advanceTimersByTime(1999);
    expect(readFileLogRecords(path.join(dir, "logs.jsonl"))).toEqual([]);
    vi.advanceTimersByTime(2000);
    vi.useRealTimers();
    await handle.shutdown();
    const found = checkpoints(readFileLogRecords(path.join(dir, "logs.jsonl")), handle.instanceId!);
    expect(found.map((c) => [c.fields.signal, c.fields.index, c.fields.first, c.fields.last, c.fields.kind])).toEqual([
      ["traces", 1, 1, 2, "checkpoint"],
      // The logs chain held only that checkpoint at the tick: no checkpoint of its own until the seal.
      ["traces", 2, 3, 2, "seal"],
      ["logs", 1, 1, 2, "seal"],
    ]);
  });

  it("writes the checkpoints even with audit records off: logs.jsonl then holds only them", async () => {
    const handle = start({ auditDir: dir, signingKeyFile: keyFile, emitAuditRecords: false });
    spans(handle, 2);
    await handle.shutdown();
    const records = readFileLogRecords(path.join(dir, "logs.jsonl"));
    expect(records.map((r) => r.eventName)).toEqual(["audit.checkpoint", "audit.checkpoint"]);
  });

  it("at shutdown, waits for records held until the host detector settles, so they hash over the resource written", async () => {
    vi.stubEnv("OTEL_NODE_RESOURCE_DETECTORS", "host,env");
    const handle = start({ auditDir: dir, signingKeyFile: keyFile });
    spans(handle, 2); // off Linux host.id is still being read: held (on Linux it is read at start)
    await handle.shutdown();
    const [line] = readFileSync(path.join(dir, "traces.jsonl"), "utf8").split("\n");
    const items = spansOfLine(line!);
    expect(items.map((i) => i.context.resource.text.includes('"host.id"'))).toEqual([true, true]);
    let prev = GENESIS_HASH;
    for (const item of items) {
      prev = chainHash(prev, canonicalJson(canonicalSpanFromOtlpJson(item.span, item.context)));
      expect(item.span.attributes!.find((a) => a.key === "audit.hash")!.value!.stringValue).toBe(prev);
    }
    const seal = checkpoints(readFileLogRecords(path.join(dir, "logs.jsonl")), handle.instanceId!).find((c) => c.fields.signal === "traces")!;
    expect([seal.fields.kind, seal.fields.last, seal.fields.head]).toEqual(["seal", 2, prev]);
  });

  it("warns about a key file other users can read", async () => {
    const warnings: string[] = [];
    diag.setLogger({ error: () => {}, info: () => {}, debug: () => {}, verbose: () => {}, warn: (...args: unknown[]) => void warnings.push(args.filter((a) => typeof a === "string").join(" ")) }, DiagLogLevel.WARN);
    chmodSync(keyFile, 0o644);
    const handle = start({ auditDir: dir, signingKeyFile: keyFile });
    await handle.shutdown();
    expect(warnings).toContain(`@langchain-otel/node option signingKeyFile="${keyFile}" can be read by other users (mode 0644); chmod 600 it`);
  });

  it("a key that cannot be used stops start(), naming the variable and what to do", () => {
    vi.stubEnv("LANGCHAIN_OTEL_SIGNING_KEY_FILE", path.join(dir, "missing.key"));
    expect(() => start({ auditDir: dir })).toThrow(
      new ConfigurationError(
        `LANGCHAIN_OTEL_SIGNING_KEY_FILE="${path.join(dir, "missing.key")}" cannot be read (ENOENT); it must name the audit-signing.key that langchain-otel-audit keygen --out DIR wrote`,
      ),
    );
    const rsa = path.join(dir, "rsa.key");
    writeFileSync(rsa, generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }));
    vi.stubEnv("LANGCHAIN_OTEL_SIGNING_KEY_FILE", rsa);
    expect(() => start({ auditDir: dir })).toThrow(
      new ConfigurationError(
        `LANGCHAIN_OTEL_SIGNING_KEY_FILE="${rsa}" is not an Ed25519 private key in PKCS#8 PEM (the private key is an rsa key, not Ed25519); make one with langchain-otel-audit keygen --out DIR`,
      ),
    );
    vi.stubEnv("LANGCHAIN_OTEL_SIGNING_KEY_FILE", keyFile);
    vi.stubEnv("LANGCHAIN_OTEL_CHECKPOINT_RECORDS", "0");
    expect(() => start({ auditDir: dir })).toThrow(new ConfigurationError('LANGCHAIN_OTEL_CHECKPOINT_RECORDS="0" is not a positive integer'));
    expect(getHandle()).toBeUndefined();
  });
});
