// SPDX-License-Identifier: Apache-2.0
import { open } from "node:fs/promises";
import { ATTR_EVENT_NAME, ATTR_SERVICE_INSTANCE_ID, EVENT_AUDIT_CHECKPOINT } from "@langchain-otel/instrumentation/semconv";
import { checkpointFromAttributes, type SignedCheckpoint } from "@langchain-otel/node/integrity";
import { forEachLine } from "../trail/lines.js";
import type { TrailFile } from "../trail/paths.js";
import type { Location } from "../trail/reader.js";
import { readTrail } from "../trail/reader.js";
import { auditEventOf } from "../trail/audit-event.js";
import { attributeMap } from "../trail/values.js";
import { structuredDataOf } from "./structured-data.js";

/** What {@link readAnchor} finds: each checkpoint, and each checkpoint line it cannot read. */
export interface AnchorVisitor {
  checkpoint(checkpoint: SignedCheckpoint, at: Location): void;
  malformed(at: Location, reason: string): void;
}

/**
 * Reads the checkpoints held outside the app host: a SIEM's file of RFC 5424 lines (the local stack's rsyslog
 * `received.log`: the checkpoint's fields are structured-data params, `service.instance.id` among them), or OTLP/JSON
 * logs lines (a copy of the trail's `logs*.jsonl` kept elsewhere). Other lines are skipped. Streams the file.
 */
export async function readAnchor(file: TrailFile, visitor: AnchorVisitor): Promise<number> {
  const first = await firstLine(file.path);
  if (first.trimStart().startsWith("{")) {
    let found = 0;
    await readTrail([file], {
      item(item) {
        if (item.signal !== "logs") return;
        const attributes = attributeMap(item.record.attributes);
        if (auditEventOf(item, attributes) !== EVENT_AUDIT_CHECKPOINT) return;
        const parsed = checkpointFromAttributes((name) => attributes.get(name), item.instance);
        if ("error" in parsed) visitor.malformed(item.location, parsed.error);
        else {
          found++;
          visitor.checkpoint(parsed, item.location);
        }
      },
      malformed: ({ location, reason }) => visitor.malformed(location, reason),
    });
    return found;
  }
  let found = 0;
  await forEachLine(file.path, (text, line) => {
    if (!text.includes(EVENT_AUDIT_CHECKPOINT)) return;
    const data = structuredDataOf(text);
    const params = data === undefined ? undefined : [...data.values()].find((p) => p.get(ATTR_EVENT_NAME) === EVENT_AUDIT_CHECKPOINT);
    if (params === undefined) return;
    const at = { file: file.path, line };
    const parsed = checkpointFromAttributes((name) => params.get(name), params.get(ATTR_SERVICE_INSTANCE_ID) ?? "");
    if ("error" in parsed) visitor.malformed(at, parsed.error);
    else {
      found++;
      visitor.checkpoint(parsed, at);
    }
  });
  return found;
}

/** The file's first bytes, enough to tell JSON from syslog. */
async function firstLine(file: string): Promise<string> {
  const handle = await open(file, "r");
  try {
    const { buffer, bytesRead } = await handle.read({ buffer: Buffer.alloc(256), position: 0 });
    return buffer.toString("utf8", 0, bytesRead);
  } finally {
    await handle.close();
  }
}
