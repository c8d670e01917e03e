// SPDX-License-Identifier: Apache-2.0
// Micro-benchmark of payload redaction (not a test; speed is never asserted).
//   node packages/instrumentation/test/redaction/bench.mjs
// Prints nanoseconds per KiB of input for clean text, text with secrets and a message tree.
// Runs the TypeScript sources directly (ts-sources.mjs maps their ".js" specifiers to the ".ts" files).
import "./ts-sources.mjs";

const { Redactor } = await import("../../src/redaction/index.ts");

const CLEAN_PARAGRAPH =
  "The assistant reviewed order ORD-2024-000123 placed on 2024-01-15T10:30:00Z for $1,299.99 and found that " +
  "version 2.3.1 of the service (build 20240115, run 550e8400-e29b-41d4-a716-446655440000) handled 1,024 tokens " +
  "in 345 ms. The password field is required on the sign-in form, and the API key setting lives in the dashboard " +
  "under Settings > Security. Host 10.0.0.12 answered within the 30 second timeout; retry count was 3 of 5. ";

const PROSE_PARAGRAPH =
  "Paris is the capital of France. It sits on the Seine, in the north of the country, and is known for its " +
  "museums, its architecture and its food. If you are planning a visit, spring and early autumn are usually " +
  "the most pleasant seasons; summer can be crowded and hot. Let me know if you would like suggestions for " +
  "neighbourhoods to stay in, day trips, or a short itinerary for a long weekend. ";

const SECRETS =
  "Use sk-proj-Zx81kLmP0qRsT5uVwX9yA2bC3dE4fG5hI6jK7lM8nO9p for the call, mail jane.doe@example.com or " +
  "call (415) 555-0123. Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00, SSN 123-45-6789, " +
  "Authorization: Bearer 4f9c2a7e1b3d5f6a8c0e2b4d6f8a1c3e, password: hunter2x9Qz!Lm4#Vb7Wp. ";

function repeatTo(text, bytes) {
  let out = "";
  while (out.length < bytes) out += text;
  return out.slice(0, bytes);
}

const KIB = 1024;
const clean = repeatTo(CLEAN_PARAGRAPH, 4 * KIB);
const prose = repeatTo(PROSE_PARAGRAPH, 4 * KIB);
const dirty = repeatTo(CLEAN_PARAGRAPH, 3 * KIB) + repeatTo(SECRETS, KIB);
const tree = {
  messages: Array.from({ length: 8 }, (_, i) => ({
    role: i % 2 === 0 ? "user" : "assistant",
    content: repeatTo(CLEAN_PARAGRAPH, 512),
    response_metadata: { model: "gpt-4o-mini", finish_reason: "stop", usage: { input_tokens: 120, output_tokens: 45 } },
  })),
  metadata: { session_id: "s-1", user_id: "u-42", tags: ["prod", "eu"] },
};
const treeBytes = JSON.stringify(tree).length;

function measure(label, bytes, fn) {
  // Warm up so the regexes and the walk are compiled before timing.
  for (let i = 0; i < 2000; i++) fn();
  const rounds = 5;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < rounds; r++) {
    const iterations = 5000;
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn();
    const ns = Number(process.hrtime.bigint() - start) / iterations;
    best = Math.min(best, ns);
  }
  const perKiB = best / (bytes / KIB);
  console.log(`${label.padEnd(48)} ${String(Math.round(perKiB)).padStart(7)} ns/KiB  (${Math.round(best)} ns per call, ${bytes} bytes)`);
}

const redactor = new Redactor();
const hmac = new Redactor({ replacement: "hmac", hmacKey: "bench-key-0123456789abcdef" });

measure("redactString, clean prose (no digits)", prose.length, () => redactor.redactString(prose));
measure("redactString, clean text (ids, dates, numbers)", clean.length, () => redactor.redactString(clean));
measure("redactString, text with secrets (1 KiB of 4)", dirty.length, () => redactor.redactString(dirty));
measure("redactString, text with secrets, hmac", dirty.length, () => hmac.redactString(dirty));
measure("redactTree, clean 8-message tree", treeBytes, () => redactor.redactTree(tree));
