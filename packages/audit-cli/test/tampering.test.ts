// SPDX-License-Identifier: Apache-2.0
// The tampering table: each attack of tamper/attacks.ts against a copy of one signed, sealed trail. With the
// trusted public key every attack is caught, with the finding that names it; without a key only the ones an
// attacker did not cover up are (the README of this package documents which, and this test checks the README).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATTR_SERVICE_INSTANCE_ID } from "@langchain-otel/instrumentation/semconv";
import type { FindingCode } from "../src/verify/findings.js";
import type { VerifyReport } from "../src/verify/verify-trail.js";
import { assertBuilt, removeTempDirs, tempDir } from "./cli.js";
import { INSTANCE } from "./scenario.js";
import { ATTACKS } from "./tamper/attacks.js";
import { EditableTrail, attr, isCheckpoint } from "./tamper/editable-trail.js";
import { testKeys, verifyDir, writeSignedTrail, type TestKeys } from "./tamper/signed-trail.js";

type Counts = Partial<Record<FindingCode, number>>;

interface Expected {
  /** Finding counts by code with the trusted key, and the message of the first finding. */
  readonly withKey: Counts;
  readonly message: RegExp;
  /** Finding counts without a key: {} means verify passes (not caught). */
  readonly withoutKey: Counts;
}

const EXPECTED: Record<string, Expected> = {
  "payload edited, hashes not recomputed": { withKey: { "hash-mismatch": 1 }, message: /^audit\.hash does not verify$/, withoutKey: { "hash-mismatch": 1 } },
  "payload edited, chain recomputed": {
    withKey: { "checkpoint-head": 1 },
    message: /^checkpoint 1 signs audit\.hash [0-9a-f]{16}… for seq 4, the trail's record there has another: records up to seq 4 were rewritten$/,
    withoutKey: { "checkpoint-head": 1 },
  },
  "payload edited, chain recomputed, checkpoints forged with the attacker's key": {
    withKey: { "unknown-key": 2, "untrusted-chain": 2 },
    message: /^checkpoint 1 is signed by key [0-9a-f]{16}, which is not a trusted key \(--public-key\)$/,
    withoutKey: {},
  },
  "user.id edited in spans and records, chains recomputed, checkpoints removed": {
    withKey: { "untrusted-chain": 2 },
    message: /^no checkpoint covers this chain \(6 records\): it was not signed, or its checkpoints were removed/,
    withoutKey: {},
  },
  "last run deleted (its span and records)": {
    withKey: { gap: 2 },
    message: /^seq 6 missing \(1 record\) at the end of the chain, which its checkpoint says reached seq 6: deleted or lost$/,
    withoutKey: { gap: 2 },
  },
  "last run deleted with the seals after it, chains recomputed": {
    withKey: { unsealed: 2 },
    message: /^unsealed tail after seq 4: process killed or trail cut \(1 record not covered by a checkpoint\)$/,
    withoutKey: {},
  },
  "middle records deleted, renumbered and recomputed": {
    withKey: { gap: 2, "checkpoint-head": 1 },
    message: /^seq 6 missing \(1 record\) at the end of the chain/,
    withoutKey: { gap: 2, "checkpoint-head": 1 },
  },
  "middle records deleted, renumbered, checkpoints forged": {
    withKey: { "unknown-key": 2, "untrusted-chain": 2 },
    message: /which is not a trusted key/,
    withoutKey: {},
  },
  "two records swapped and recomputed": {
    withKey: { "checkpoint-head": 1 },
    message: /^checkpoint 1 signs audit\.hash [0-9a-f]{16}… for seq 4/,
    withoutKey: { "checkpoint-head": 1 },
  },
  "traces.jsonl deleted": {
    withKey: { "missing-signal": 1 },
    message: /^no traces records of this chain in the files given, though its checkpoints cover seq 1\.\.6: the traces file is missing or was emptied$/,
    withoutKey: { "missing-signal": 1 },
  },
  "logs.jsonl deleted": { withKey: { "untrusted-chain": 1 }, message: /^no checkpoint covers this chain \(6 records\)/, withoutKey: {} },
  "both files emptied": { withKey: { "empty-trail": 1 }, message: /^no records in the files given$/, withoutKey: { "empty-trail": 1 } },
  "record without audit fields injected (a forged approval)": {
    withKey: { unstamped: 1 },
    message: /^a record without audit\.seq and audit\.hash: it belongs to no chain/,
    withoutKey: { unstamped: 1 },
  },
  "stamp stripped from the last span, which is then edited": {
    withKey: { unstamped: 1, gap: 1 },
    message: /^a record without audit\.seq and audit\.hash/,
    withoutKey: { unstamped: 1, gap: 1 },
  },
  "whole new instance chain forged (hashes valid, no checkpoint)": {
    withKey: { "untrusted-chain": 2 },
    message: /^no checkpoint covers this chain \(2 records\)/,
    withoutKey: {},
  },
  "whole new instance chain forged, sealed with the attacker's key": {
    withKey: { "unknown-key": 2, "untrusted-chain": 2 },
    message: /which is not a trusted key/,
    withoutKey: {},
  },
  "resource attribute edited (service.name)": { withKey: { "hash-mismatch": 11 }, message: /^audit\.hash does not verify$/, withoutKey: { "hash-mismatch": 11 } },
  "span link added": { withKey: { "hash-mismatch": 1 }, message: /^audit\.hash does not verify$/, withoutKey: { "hash-mismatch": 1 } },
  "trace state edited": { withKey: { "hash-mismatch": 1 }, message: /^audit\.hash does not verify$/, withoutKey: { "hash-mismatch": 1 } },
  "span flags edited (sampled bit cleared)": { withKey: { "hash-mismatch": 1 }, message: /^audit\.hash does not verify$/, withoutKey: { "hash-mismatch": 1 } },
  "instrumentation scope version edited": { withKey: { "hash-mismatch": 4 }, message: /^audit\.hash does not verify$/, withoutKey: { "hash-mismatch": 4 } },
  "a checkpoint removed from the middle, logs chain recomputed": {
    withKey: { "checkpoint-missing": 1 },
    message: /^checkpoint 1 is missing before checkpoint 2: removed from the trail$/,
    withoutKey: { "checkpoint-missing": 1 },
  },
  "the seal's signature altered, logs chain recomputed": {
    withKey: { "bad-signature": 1 },
    message: /^checkpoint 4's signature does not verify with key [0-9a-f]{16}: forged or altered$/,
    withoutKey: {},
  },
  "record appended after the seal": {
    withKey: { "after-seal": 1 },
    message: /^1 record after the seal \(seq 7\): appended after the process sealed its chain$/,
    withoutKey: { "after-seal": 1 },
  },
};

let keys: TestKeys;
let attacker: TestKeys;
let source: string;

beforeAll(async () => {
  assertBuilt();
  keys = testKeys();
  attacker = testKeys();
  source = tempDir();
  await writeSignedTrail(source, keys.signing);
});
afterAll(removeTempDirs);

/** A copy of the signed trail with `change` applied, as files in a new directory. */
function tampered(change: (trail: EditableTrail) => void): string {
  const dir = tempDir();
  const trail = EditableTrail.read(source);
  change(trail);
  trail.write(dir);
  return dir;
}

function everyFindingPlaced(report: VerifyReport): void {
  // Every finding about a record, checkpoint or line says where (file:line); only whole-trail ones cannot.
  for (const f of report.findings) if (f.code !== "empty-trail") expect([f.code, f.file !== null && f.line !== null]).toEqual([f.code, true]);
}

describe("the signed trail the attacks start from", () => {
  it("verifies with the key: every record signed, every chain sealed", async () => {
    const report = await verifyDir(source, { keys: [keys.trusted] });
    expect(report.ok).toBe(true);
    expect(report.chains.map((c) => [c.signal, c.records, c.checkpoints, c.signedThrough, c.sealed, c.keyIds])).toEqual([
      ["traces", 6, 2, 6, true, [keys.trusted.keyId]],
      ["logs", 18, 4, 17, true, [keys.trusted.keyId]],
    ]);
  });

  it("without the key passes too, saying what that verdict does not prove", async () => {
    const report = await verifyDir(source);
    expect([report.ok, report.integrity.signed, report.integrity.note]).toEqual([true, false, expect.stringMatching(/^no public key given: the trail is tamper-evident only against accidental edits/)]);
  });

  it("fails with another key: the chains are signed by no trusted key", async () => {
    const report = await verifyDir(source, { keys: [attacker.trusted] });
    expect(report.findingCounts).toEqual({ "unknown-key": 6, "untrusted-chain": 2 });
  });

  it("fails when the process was killed: the chains have an unsealed tail", async () => {
    const killed = tempDir();
    await writeSignedTrail(killed, keys.signing, { sealed: false });
    const report = await verifyDir(killed, { keys: [keys.trusted] });
    expect(report.findings.map((f) => [f.code, f.signal, f.message])).toEqual([
      ["unsealed", "traces", "unsealed tail after seq 4: process killed or trail cut (2 records not covered by a checkpoint)"],
      ["unsealed", "logs", "unsealed after seq 15: the chain has no seal (process killed, or its seal was cut from the trail)"],
    ]);
    expect((await verifyDir(killed)).ok).toBe(true);
  });
});

describe("tampering table", () => {
  it("covers at least 20 attacks, each with its expectation", () => {
    expect(ATTACKS.length).toBeGreaterThanOrEqual(20);
    expect(ATTACKS.map((a) => a.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(ATTACKS.map((a) => [a.name, a] as const))("%s", async (name, attack) => {
    const dir = tampered((trail) => attack.run(trail, { attackerKey: attacker.signing }));
    const expected = EXPECTED[name]!;
    const signed = await verifyDir(dir, { keys: [keys.trusted] });
    expect(signed.ok).toBe(false);
    expect(signed.findingCounts).toEqual(expected.withKey);
    expect(signed.findings[0]!.message).toMatch(expected.message);
    everyFindingPlaced(signed);
    const unsigned = await verifyDir(dir);
    expect(unsigned.findingCounts).toEqual(expected.withoutKey);
    expect(unsigned.ok).toBe(Object.keys(expected.withoutKey).length === 0);
  });

  it("is the table of the package README", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const rows = [...readme.matchAll(/^\| (\d+) \| (.+?) \| (.+?) \| (caught|not caught)\b.*\|$/gm)].map((m) => [m[2], m[4]]);
    expect(rows).toEqual(ATTACKS.map((a) => [a.name, Object.keys(EXPECTED[a.name]!.withoutKey).length > 0 ? "caught" : "not caught"]));
  });
});

describe("anchor: checkpoints held outside the app host", () => {
  /** An anchor with the trail's checkpoint records, as a SIEM holds them (OTLP/JSON logs lines). */
  function jsonAnchor(from: string): string {
    const dir = tempDir();
    const trail = EditableTrail.read(from);
    trail.remove((item) => !isCheckpoint(item));
    trail.files.delete("traces.jsonl");
    trail.write(dir);
    return path.join(dir, "logs.jsonl");
  }

  /** The same as RFC 5424 lines, as the collector's syslog exporter sends them to rsyslog (params in any order). */
  function syslogAnchor(from: string): string {
    const file = path.join(tempDir(), "received.log");
    const lines = EditableTrail.read(from)
      .items("logs")
      .filter(isCheckpoint)
      .map((item) => {
        const params = [
          ...(item.record.attributes as Array<{ key: string; value: Record<string, string> }>).map((a) => [a.key, String(a.value["stringValue"] ?? a.value["intValue"])]),
          [ATTR_SERVICE_INSTANCE_ID, INSTANCE],
        ]
          .reverse()
          .map(([k, v]) => `${k}="${v!.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`)
          .join(" ");
        return `<110>1 2026-11-24T11:00:00.000000Z host-1 support-bot 4242 audit.checkpoint [langchain@32473 ${params}] audit.checkpoint`;
      });
    writeFileSync(file, ["<110>1 2026-11-24T10:00:00.000000Z host-1 support-bot 4242 langchain.run.start [langchain@32473 event.name=\"langchain.run.start\"] x", ...lines].join("\n") + "\n");
    return file;
  }

  it("matches every checkpoint of the trail in the anchor, from OTLP/JSON and from RFC 5424 lines", async () => {
    for (const anchor of [jsonAnchor(source), syslogAnchor(source)]) {
      const report = await verifyDir(source, { keys: [keys.trusted], anchors: [anchor] });
      expect([report.ok, report.integrity.anchorCheckpoints, report.findings]).toEqual([true, 6, []]);
    }
  });

  it("catches the newest records deleted with their checkpoints and seals, which the key alone calls an unsealed tail", async () => {
    const anchor = syslogAnchor(source);
    const attack = ATTACKS.find((a) => a.name === "last run deleted with the seals after it, chains recomputed")!;
    const dir = tampered((trail) => attack.run(trail, { attackerKey: attacker.signing }));
    const report = await verifyDir(dir, { keys: [keys.trusted], anchors: [anchor] });
    expect(report.findingCounts).toEqual({ gap: 2, "anchor-only": 3 });
    const onlyInAnchor = report.findings.filter((f) => f.code === "anchor-only");
    expect(onlyInAnchor.map((f) => [f.signal, f.file, f.message])).toEqual([
      ["traces", anchor, "checkpoint 2 (seq 5..6) is in the anchor but not in the trail: removed from the trail"],
      ["logs", anchor, "checkpoint 3 (seq 10..15) is in the anchor but not in the trail: removed from the trail"],
      ["logs", anchor, "checkpoint 4 (seq 16..17) is in the anchor but not in the trail: removed from the trail"],
    ]);
  });

  it("says which checkpoints the anchor has not received (it lags, or was cut)", async () => {
    const dir = tempDir();
    const trail = EditableTrail.read(source);
    trail.remove((item) => !isCheckpoint(item) || attr(item, "audit.checkpoint.kind")?.["stringValue"] === "seal");
    trail.files.delete("traces.jsonl");
    trail.write(dir);
    const report = await verifyDir(source, { keys: [keys.trusted], anchors: [path.join(dir, "logs.jsonl")] });
    expect(report.findings.map((f) => [f.code, f.signal, f.message])).toEqual([
      ["not-anchored", "traces", "checkpoint 2 (seq 5..6) is not in the anchor: not delivered to it yet, or the anchor was cut"],
      ["not-anchored", "logs", "checkpoint 4 (seq 16..17) is not in the anchor: not delivered to it yet, or the anchor was cut"],
    ]);
  });

  it("catches a checkpoint the trail holds with other contents than the anchor's", async () => {
    const anchor = jsonAnchor(source);
    const dir = tampered((trail) => {
      const seal = trail.chain("logs").at(-1)!;
      seal.record.attributes.find((a: { key: string }) => a.key === "audit.checkpoint.time").value = { stringValue: "2026-11-24T12:00:00.000Z" };
      trail.rehash("logs");
    });
    const report = await verifyDir(dir, { keys: [keys.trusted], anchors: [anchor] });
    // The anchor's seal stands; the trail's differs (its signature no longer verifies), and the anchor's is missing from it.
    expect(report.findingCounts).toEqual({ "bad-signature": 1, "checkpoint-conflict": 1, "anchor-only": 1 });
    const conflict = report.findings.find((f) => f.code === "checkpoint-conflict")!;
    // The anchor's line 3 holds the seal (its lines: the first checkpoints, the traces seal, the logs seal).
    expect(conflict.message).toBe(`checkpoint 4 of this chain is also at ${anchor}:3 with other contents: one of them was forged or altered`);
  });
});
