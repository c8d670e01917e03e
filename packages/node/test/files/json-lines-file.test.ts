// SPDX-License-Identifier: Apache-2.0
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { JsonLinesFile } from "../../src/files/json-lines-file.js";
import { SymlinkRefusedError, fileModes, readFileNoFollow, writeNewFileSync } from "../../src/files/private-files.js";

let dir: string;
let umask: number;
const mode = (file: string) => statSync(file).mode & 0o777;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lines-"));
  // The widest umask: the modes must not depend on it.
  umask = process.umask(0);
});
afterEach(() => {
  process.umask(umask);
  rmSync(dir, { recursive: true, force: true });
});

describe("fileModes", () => {
  it.each([
    [0o600, 0o700],
    [0o640, 0o750],
    [0o644, 0o755],
    [0o660, 0o770],
  ])("file %o → directories %o", (file, directory) => {
    expect(fileModes(file)).toEqual({ file, dir: directory });
  });
});

describe("JsonLinesFile", () => {
  it("creates its directories 0700 and the file 0600 whatever the umask, by the first line", () => {
    const file = new JsonLinesFile(path.join(dir, "a", "b", "traces.jsonl"));
    file.prepare();
    expect([mode(path.join(dir, "a")), mode(path.join(dir, "a", "b"))]).toEqual([0o700, 0o700]);
    file.append('{"n":1}\n');
    expect(mode(file.path)).toBe(0o600);
    process.umask(0o277);
    file.append('{"n":2}\n');
    expect(readFileSync(file.path, "utf8")).toBe('{"n":1}\n{"n":2}\n');
  });

  it("a wider mode when asked for (fileMode 0640)", () => {
    const file = new JsonLinesFile(path.join(dir, "audit", "logs.jsonl"), fileModes(0o640));
    file.append("{}\n");
    expect([mode(path.join(dir, "audit")), mode(file.path)]).toEqual([0o750, 0o640]);
  });

  it("keeps the mode of a file that exists", () => {
    const target = path.join(dir, "traces.jsonl");
    writeFileSync(target, "", { mode: 0o644 });
    new JsonLinesFile(target).append("{}\n");
    expect(mode(target)).toBe(0o644);
  });

  it("refuses a planted symbolic link, at startup and on every write, and leaves its target alone", () => {
    const victim = path.join(dir, "victim");
    writeFileSync(victim, "secret\n", { mode: 0o600 });
    const link = path.join(dir, "traces.jsonl");
    symlinkSync(victim, link);
    const file = new JsonLinesFile(link);
    const refusal = `${link} is a symbolic link; it is not followed (it could point the audit trail anywhere): remove it, or point the setting at the real path`;
    expect(() => file.prepare()).toThrow(new SymlinkRefusedError(refusal));
    expect(() => file.append("{}\n")).toThrow(SymlinkRefusedError);
    expect(readFileSync(victim, "utf8")).toBe("secret\n");
  });

  it("never glues a line to a torn one: a last line without its line feed is ended first", () => {
    const target = path.join(dir, "logs.jsonl");
    // What a process killed mid-write leaves.
    writeFileSync(target, '{"complete":1}\n{"torn":');
    new JsonLinesFile(target).append('{"next":2}\n');
    expect(readFileSync(target, "utf8").split("\n")).toEqual(['{"complete":1}', '{"torn":', '{"next":2}', ""]);
  });

  it("recreates a directory removed while the app runs", () => {
    const file = new JsonLinesFile(path.join(dir, "audit", "traces.jsonl"));
    file.append("{}\n");
    rmSync(path.join(dir, "audit"), { recursive: true });
    file.append('{"again":1}\n');
    expect(readFileSync(file.path, "utf8")).toBe('{"again":1}\n');
  });
});

describe("spool files", () => {
  it("writeNewFileSync creates the file exclusively with the mode, and never through a link", () => {
    const file = path.join(dir, "0001-x.json");
    writeNewFileSync(file, "{}");
    expect([readFileSync(file, "utf8"), mode(file)]).toEqual(["{}", 0o600]);
    // A link planted where the temporary file goes: exclusive creation fails instead of writing through it.
    symlinkSync(path.join(dir, "elsewhere"), path.join(dir, "0002-x.json.tmp"));
    expect(() => writeNewFileSync(path.join(dir, "0002-x.json"), "{}")).toThrow(expect.objectContaining({ code: "EEXIST" }));
    expect(existsSync(path.join(dir, "elsewhere"))).toBe(false);
  });

  it("readFileNoFollow refuses to read through a link (a planted link would send another file to the collector)", () => {
    writeFileSync(path.join(dir, "secret"), "s");
    symlinkSync(path.join(dir, "secret"), path.join(dir, "0003-x.json"));
    expect(() => readFileNoFollow(path.join(dir, "0003-x.json"))).toThrow(SymlinkRefusedError);
    writeFileSync(path.join(dir, "big"), "x".repeat(200_000));
    expect(readFileNoFollow(path.join(dir, "big"))).toHaveLength(200_000);
  });
});
