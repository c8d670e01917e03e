// SPDX-License-Identifier: Apache-2.0
import { statSync } from "node:fs";
import { TrailWriter, type RunSpec } from "./trail.js";

function uuid(n: number, tag: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `019ab3c4-d5e6-7f00-${(0x8000 + tag).toString(16)}-${hex}`;
}

/**
 * Writes a trail of about `targetBytes` (traces.jsonl and logs.jsonl together) in `dir`: agent runs with one
 * model call each, ~1 KB payloads, flushed every 100 runs. Returns the bytes written and the runs.
 */
export async function writeBigTrail(dir: string, targetBytes: number, instance: string): Promise<{ bytes: number; runs: number }> {
  const writer = new TrailWriter(dir, instance);
  const payload = JSON.stringify({ messages: [{ role: "user", content: "Please summarise the refund policy. ".repeat(25) }] });
  let runs = 0;
  let bytes = 0;
  for (let batch = 0; bytes < targetBytes; batch++) {
    for (let i = 0; i < 100; i++, runs++) {
      const start = runs * 10;
      const spec: RunSpec = {
        id: uuid(runs, 1),
        name: "support_agent",
        type: "chain",
        start,
        end: start + 9,
        session: `s-${Math.floor(runs / 50)}`,
        user: `u-${runs % 17}`,
        tenant: "t-1",
        inputs: payload,
        outputs: payload,
        children: [{ id: uuid(runs, 2), name: "ChatOpenAI", type: "llm", model: "gpt-4o-mini", start: start + 1, end: start + 8, tokens: [100, 20] }],
      };
      writer.run(spec);
    }
    await writer.flush();
    if (batch % 10 === 9) bytes = statSync(writer.tracesFile).size + statSync(writer.logsFile).size;
  }
  await writer.close();
  return { bytes: statSync(writer.tracesFile).size + statSync(writer.logsFile).size, runs };
}
