// SPDX-License-Identifier: Apache-2.0
// The lint step of `pnpm run typecheck` (and so of CI): every source file we own carries the SPDX licence header and
// is not cut into sections by divider comments, and library code never writes to the console (the instrumentation
// and the distro speak through the OTel diag logger; the distro's few stderr lines go through its own reporter).
// Prints each offence as file:line and exits 1.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(new URL("..", import.meta.url).pathname);
const SPDX = "// SPDX-License-Identifier: Apache-2.0";
const SOURCE = /\.(ts|mts|cts|mjs|cjs|js)$/;
// Generated or vendored text, not source we write.
const SKIP = [/(^|\/)dist\//, /(^|\/)node_modules\//, /\.d\.ts$/, /^collector-config\/jaeger-build\//];
// Library code: what runs inside the user's process.
const LIBRARY = [/^packages\/instrumentation\/src\//, /^packages\/node\/src\//];
// A comment that is only a rule of dashes, equals or stars (with or without a title): files are split by concept
// instead of sectioned, and JSDoc says what a member is.
const DIVIDER = /^\s*(\/\/|\/\*|\*)\s*(-{3,}|={3,}|\*{3,}|#{3,})/;
// The stderr reporter of the distro is the one place allowed to write there directly.
const CONSOLE = /\bconsole\s*\.\s*(log|info|warn|error|debug|trace|dir|table)\s*\(/;

const files = execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((file) => SOURCE.test(file) && !SKIP.some((re) => re.test(file)));

const offences = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(path.join(root, file), "utf8");
  } catch {
    continue; // listed by git but deleted in the work tree
  }
  const lines = text.split("\n");
  const first = lines[0]?.startsWith("#!") ? 1 : 0;
  if (lines[first]?.trim() !== SPDX) offences.push(`${file}:${first + 1}: missing "${SPDX}" as the first line`);
  lines.forEach((line, i) => {
    if (DIVIDER.test(line)) offences.push(`${file}:${i + 1}: a section divider (split the file by concept instead)`);
  });
  if (LIBRARY.some((re) => re.test(file))) {
    lines.forEach((line, i) => {
      const code = line.replace(/\/\/.*$/, "");
      if (CONSOLE.test(code)) offences.push(`${file}:${i + 1}: console.* in library code (use the diag logger)`);
    });
  }
}

if (offences.length > 0) {
  for (const offence of offences) process.stderr.write(`${offence}\n`);
  process.stderr.write(`lint: ${offences.length} problem(s) in ${files.length} files\n`);
  process.exit(1);
}
process.stdout.write(`lint: ${files.length} files OK\n`);
