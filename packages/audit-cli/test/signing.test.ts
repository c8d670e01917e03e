// SPDX-License-Identifier: Apache-2.0
// keygen, and verify with keys and anchors as a user runs them: the built bin, its output and exit status.
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { signingKeyFromPem } from "@langchain-otel/node/integrity";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, removeTempDirs, runCli, tempDir } from "./cli.js";
import { writeLines, lines } from "./files.js";
import { CHAIN, INSTANCE } from "./scenario.js";
import { writeSignedTrail } from "./tamper/signed-trail.js";

beforeAll(assertBuilt);
afterEach(removeTempDirs);

/** keygen into a new directory: the key pair's paths, the signing key and its ID. */
async function keygen() {
  const dir = tempDir();
  const out = path.join(dir, "keys");
  const result = await runCli(["keygen", "--out", out], dir);
  expect([result.code, result.stderr]).toEqual([0, ""]);
  const privateFile = path.join(out, "audit-signing.key");
  const publicFile = path.join(out, "audit-signing.pub");
  const signing = signingKeyFromPem(readFileSync(privateFile));
  return { dir, out, privateFile, publicFile, signing, stdout: result.stdout };
}

describe("keygen", () => {
  it("writes the private key 0600 in a 0700 directory and the public key, and says how to use them", async () => {
    const k = await keygen();
    expect(statSync(k.privateFile).mode & 0o777).toBe(0o600);
    expect(statSync(k.out).mode & 0o777).toBe(0o700);
    expect(readFileSync(k.privateFile, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+-----END PRIVATE KEY-----\n$/);
    expect(readFileSync(k.publicFile, "utf8")).toMatch(/^-----BEGIN PUBLIC KEY-----\n[\s\S]+-----END PUBLIC KEY-----\n$/);
    expect(k.stdout).toBe(
      [
        `key ID ${k.signing.keyId}`,
        `private key ${k.privateFile} (0600): run the app with LANGCHAIN_OTEL_SIGNING_KEY_FILE=${k.privateFile}`,
        `public key  ${k.publicFile}: verify with langchain-otel-audit verify --public-key ${k.publicFile} <trail dir>`,
        "",
      ].join("\n"),
    );
  });

  it("never overwrites a key, and needs --out", async () => {
    const k = await keygen();
    const before = readFileSync(k.privateFile, "utf8");
    const again = await runCli(["keygen", "--out", k.out], k.dir);
    expect(again).toEqual({
      code: 2,
      stdout: "",
      stderr: `langchain-otel-audit keygen: ${k.privateFile} already exists: keygen never overwrites a key; choose another --out or move it away\nRun 'langchain-otel-audit keygen --help' for usage.\n`,
    });
    expect(readFileSync(k.privateFile, "utf8")).toBe(before);
    expect(await runCli(["keygen"], k.dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("keygen needs --out <dir>") });
  });
});

describe("verify --public-key", () => {
  it("passes a signed, sealed trail (exit 0), with the key from the option or from LANGCHAIN_OTEL_VERIFY_KEYS", async () => {
    const k = await keygen();
    const trail = tempDir();
    await writeSignedTrail(trail, k.signing);
    const result = await runCli(["verify", "--public-key", k.publicFile, "."], trail);
    expect(result.stdout.split("\n").slice(1)).toEqual([
      `instance ${INSTANCE} chain ${CHAIN}`,
      `  traces: 6 records (seq 1..6), 0 duplicates, signed through seq 6 by ${k.signing.keyId} (2 checkpoints), sealed: ok`,
      `  logs: 18 records (seq 1..18), 0 duplicates, signed through seq 17 by ${k.signing.keyId} (4 checkpoints), sealed: ok`,
      `OK: 24 records verified in 2 chains; every record signed (${k.signing.keyId}) and every chain sealed`,
      "",
    ]);
    expect([result.code, result.stderr]).toEqual([0, ""]);
    const fromEnv = await runCli(["verify", "."], trail, { env: { LANGCHAIN_OTEL_VERIFY_KEYS: `${k.publicFile}` } });
    expect([fromEnv.code, fromEnv.stdout]).toEqual([0, result.stdout]);
  });

  it("fails a trail signed by another key (exit 1), and trusts it when both keys are given (rotation)", async () => {
    const old = await keygen();
    const current = await keygen();
    const trail = tempDir();
    await writeSignedTrail(trail, old.signing);
    const wrong = await runCli(["verify", "--public-key", current.publicFile, "."], trail);
    expect(wrong.code).toBe(1);
    expect(wrong.stdout.split("\n").at(-2)).toBe("FAILED: 6 checkpoints signed by an unknown key, 2 chains signed by no trusted key");
    const both = await runCli(["verify", "--public-key", current.publicFile, "--public-key", old.publicFile, "."], trail);
    expect(both.code).toBe(0);
  });

  it("lists every finding with file:line in --json", async () => {
    const k = await keygen();
    const trail = tempDir();
    await writeSignedTrail(trail, k.signing);
    const logs = path.join(trail, "logs.jsonl");
    writeLines(logs, lines(logs).slice(0, -1)); // the seals' line cut off
    const result = await runCli(["verify", "--json", "--public-key", k.publicFile, "."], trail);
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.findings.map((f: Record<string, unknown>) => [f.code, f.signal, f.file, f.line, f.seq, f.count])).toEqual([
      ["unsealed", "traces", "logs.jsonl", 1, 4, 2],
      ["unsealed", "logs", "logs.jsonl", 3, 15, 0],
    ]);
    expect(report.instances).toEqual([{ instance: INSTANCE, chains: 2, records: 22, sealedChains: 0, findings: 2, ok: false }]);
    expect(report.integrity).toMatchObject({ signed: true, keyIds: [k.signing.keyId], checkpoints: 4, note: null });
  });

  it("exits 2 naming a key file it cannot use", async () => {
    const k = await keygen();
    const trail = tempDir();
    await writeSignedTrail(trail, k.signing);
    const missing = await runCli(["verify", "--public-key", "nope.pub", "."], trail);
    expect(missing).toMatchObject({ code: 2, stderr: "langchain-otel-audit verify: --public-key nope.pub: cannot read it (ENOENT)\nRun 'langchain-otel-audit verify --help' for usage.\n" });
    const privateGiven = await runCli(["verify", "--public-key", k.privateFile, "."], trail);
    expect(privateGiven.stderr).toBe(
      `langchain-otel-audit verify: --public-key ${k.privateFile}: this is a private key: give the public key (audit-signing.pub); give the audit-signing.pub that langchain-otel-audit keygen wrote\nRun 'langchain-otel-audit verify --help' for usage.\n`,
    );
    const garbage = path.join(k.dir, "garbage.pub");
    writeFileSync(garbage, "not a key\n");
    const fromEnv = await runCli(["verify", "."], trail, { env: { LANGCHAIN_OTEL_VERIFY_KEYS: garbage } });
    expect(fromEnv).toMatchObject({ code: 2, stderr: expect.stringMatching(new RegExp(`^langchain-otel-audit verify: LANGCHAIN_OTEL_VERIFY_KEYS ${garbage}: not a PEM public key`)) });
  });

  it("checks the trail against an anchor given as a file or a directory", async () => {
    const k = await keygen();
    const trail = tempDir();
    await writeSignedTrail(trail, k.signing);
    const anchorDir = tempDir();
    writeFileSync(path.join(anchorDir, "siem-copy.log"), readFileSync(path.join(trail, "logs.jsonl")));
    const ok = await runCli(["verify", "--public-key", k.publicFile, "--anchor", anchorDir, "."], trail);
    expect([ok.code, ok.stdout.split("\n").at(-2)]).toEqual([0, `OK: 24 records verified in 2 chains; every record signed (${k.signing.keyId}) and every chain sealed, 6 checkpoints matched in the anchor`]);
  });
});

describe("sessions and export leave unstamped records out", () => {
  it("counts them on stderr and includes them with --include-unstamped", async () => {
    const k = await keygen();
    const trail = tempDir();
    await writeSignedTrail(trail, k.signing);
    const logs = path.join(trail, "logs.jsonl");
    const forged = lines(logs)[0]!.replaceAll(/,?\{"key":"audit\.(seq|hash)","value":\{"(intValue|stringValue)":"[0-9a-f]+"\}\}/g, "").replaceAll('"s-1"', '"s-forged"');
    writeLines(logs, [...lines(logs), forged]);
    const sessions = await runCli(["sessions", "--json", "."], trail);
    expect(sessions.stdout.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l).session)).toEqual(["s-1", "s-2", "s-3"]);
    expect(sessions.stderr).toMatch(/^note: \d+ record\(s\) without audit\.seq \/ audit\.hash left out: they belong to no chain/);
    const included = await runCli(["sessions", "--json", "--include-unstamped", "."], trail);
    expect(included.stdout).toContain('"session":"s-forged"');
    const exported = await runCli(["export", "."], trail);
    expect(exported.stdout).not.toContain("s-forged");
    expect(exported.stderr).toMatch(/^note: \d+ record\(s\) without audit\.seq/);
  });
});
