#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
import { main } from "./cli.js";

// Output piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
