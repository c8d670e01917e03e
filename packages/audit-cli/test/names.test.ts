// SPDX-License-Identifier: Apache-2.0
// One source for every name: the attribute and event keys the instrumentation writes and the verifier reads are
// spelled only in the instrumentation's semconv.ts, so a writer and its reader cannot drift apart.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const PACKAGES = fileURLToPath(new URL("../..", import.meta.url));
/** A string literal that looks like one of our attribute or event names. */
const NAME_LITERAL = /"(?:langchain|gen_ai|audit|session|user|tenant|event|service|error|exception)\.[a-z_.]+"/g;
/**
 * The only other place names may be spelled: the report's names its writers have not put in semconv.ts yet (each
 * says which issue adds it there).
 */
const PENDING = "audit-cli/src/report/names.ts";

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => path.relative(PACKAGES, path.join(e.parentPath, e.name)));
}

describe("attribute and event names", () => {
  it("are spelled only in semconv.ts, in the instrumentation, the distro and the audit CLI", () => {
    const found: string[] = [];
    for (const pkg of ["instrumentation/src", "node/src", "audit-cli/src"]) {
      for (const file of sources(path.join(PACKAGES, pkg))) {
        if (file === "instrumentation/src/semconv.ts" || file === PENDING) continue;
        for (const match of readFileSync(path.join(PACKAGES, file), "utf8").matchAll(NAME_LITERAL)) found.push(`${file}: ${match[0]}`);
      }
    }
    expect(found).toEqual([]);
  });
});
