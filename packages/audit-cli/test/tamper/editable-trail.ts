// SPDX-License-Identifier: Apache-2.0
// What an attacker who can write the audit files does with them: parse every line, edit records, then recompute
// the chains (audit.seq, audit.hash) and, with a key of their own, forge checkpoints. The tampering table
// (tampering.test.ts) runs each attack against a signed trail and checks what verify says.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  ATTR_EVENT_NAME,
  AUDIT_CHECKPOINT_KIND_SEAL,
  EVENT_AUDIT_CHECKPOINT,
} from "@langchain-otel/instrumentation/semconv";
import {
  GENESIS_HASH,
  canonicalJson,
  canonicalLogRecordFromOtlpJson,
  canonicalResourceFromOtlpJson,
  canonicalScopeFromOtlpJson,
  canonicalSpanFromOtlpJson,
  chainHash,
  checkpointAttributes,
  instanceIdFromOtlpJson,
  signCheckpoint,
  type AuditSignal,
  type OtlpJsonKeyValue,
  type SigningKey,
} from "@langchain-otel/node/integrity";

type Json = Record<string, any>;

/** A span or log record in its line, with the blocks above it. */
export interface Item {
  readonly file: string;
  readonly signal: AuditSignal;
  readonly request: Json;
  readonly resourceBlock: Json;
  readonly scopeBlock: Json;
  readonly record: Json;
}

export function attr(item: Item, key: string): Json | undefined {
  return (item.record.attributes as OtlpJsonKeyValue[] | undefined)?.find((a) => a.key === key)?.value as Json | undefined;
}

export function setAttr(item: Item, key: string, value: Json): void {
  item.record.attributes ??= [];
  const entry = (item.record.attributes as Json[]).find((a) => a.key === key);
  if (entry === undefined) item.record.attributes.push({ key, value });
  else entry.value = value;
}

export function deleteAttr(item: Item, key: string): void {
  item.record.attributes = ((item.record.attributes ?? []) as Json[]).filter((a) => a.key !== key);
}

export const seqOf = (item: Item): number | undefined => (attr(item, "audit.seq") === undefined ? undefined : Number(attr(item, "audit.seq")!["intValue"]));
export const isCheckpoint = (item: Item): boolean => item.signal === "logs" && attr(item, ATTR_EVENT_NAME)?.["stringValue"] === EVENT_AUDIT_CHECKPOINT;

/** A trail directory's files, parsed, line by line. */
export class EditableTrail {
  private constructor(readonly files: Map<string, Json[]>) {}

  static read(dir: string): EditableTrail {
    const files = new Map<string, Json[]>();
    for (const name of readdirSync(dir).filter((n) => n.endsWith(".jsonl")).sort()) {
      const text = readFileSync(path.join(dir, name), "utf8");
      files.set(name, text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l) as Json));
    }
    return new EditableTrail(files);
  }

  /** A trail of copies of `items` (one line per signal) under another `service.instance.id`. */
  static fromItems(items: readonly Item[], instance: string): EditableTrail {
    const files = new Map<string, Json[]>();
    for (const signal of ["traces", "logs"] as const) {
      const mine = items.filter((i) => i.signal === signal);
      if (mine.length === 0) continue;
      const resource = JSON.parse(JSON.stringify(mine[0]!.resourceBlock.resource)) as Json;
      resource.attributes = (resource.attributes as Json[]).map((a) => (a.key === "service.instance.id" ? { key: a.key, value: { stringValue: instance } } : a));
      const records = mine.map((i) => JSON.parse(JSON.stringify(i.record)) as Json);
      const scope = mine[0]!.scopeBlock.scope;
      const block = signal === "traces" ? { resource, scopeSpans: [{ scope, spans: records }] } : { resource, scopeLogs: [{ scope, logRecords: records }] };
      files.set(`${signal}.jsonl`, [signal === "traces" ? { resourceSpans: [block] } : { resourceLogs: [block] }]);
    }
    return new EditableTrail(files);
  }

  /** Writes every file (an emptied file stays, empty). */
  write(dir: string): void {
    for (const [name, requests] of this.files) writeFileSync(path.join(dir, name), requests.map((r) => JSON.stringify(r) + "\n").join(""));
  }

  /** Every span and log record, file by file, line by line. */
  items(signal?: AuditSignal): Item[] {
    const out: Item[] = [];
    for (const [file, requests] of this.files) {
      for (const request of requests) {
        for (const rs of request.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const span of ss.spans ?? []) out.push({ file, signal: "traces", request, resourceBlock: rs, scopeBlock: ss, record: span });
        for (const rl of request.resourceLogs ?? []) for (const sl of rl.scopeLogs ?? []) for (const rec of sl.logRecords ?? []) out.push({ file, signal: "logs", request, resourceBlock: rl, scopeBlock: sl, record: rec });
      }
    }
    return signal === undefined ? out : out.filter((i) => i.signal === signal);
  }

  /** The items of one signal in seq order (unstamped ones left out). */
  chain(signal: AuditSignal): Item[] {
    return this.items(signal)
      .filter((i) => seqOf(i) !== undefined)
      .sort((a, b) => seqOf(a)! - seqOf(b)!);
  }

  /** Removes the items `drop` selects, and lines left with nothing. */
  remove(drop: (item: Item) => boolean): void {
    for (const item of this.items().filter(drop)) {
      const list = item.signal === "traces" ? item.scopeBlock.spans : item.scopeBlock.logRecords;
      list.splice(list.indexOf(item.record), 1);
    }
    for (const [name, requests] of this.files) {
      this.files.set(
        name,
        requests.filter((r) => [...(r.resourceSpans ?? []), ...(r.resourceLogs ?? [])].some((rb: Json) => (rb.scopeSpans ?? rb.scopeLogs ?? []).some((sb: Json) => (sb.spans ?? sb.logRecords ?? []).length > 0))),
      );
    }
  }

  /**
   * Recomputes a signal's chain: each record's audit.hash over its predecessor's, in seq order; `renumber` first
   * gives the records seq 1, 2, 3, … in their current seq order (closing any gap).
   */
  rehash(signal: AuditSignal, { renumber = false }: { renumber?: boolean } = {}): void {
    let prev = GENESIS_HASH;
    this.chain(signal).forEach((item, i) => {
      if (renumber) setAttr(item, "audit.seq", { intValue: String(i + 1) });
      const hash = chainHash(prev, canonicalOf(item));
      setAttr(item, "audit.hash", { stringValue: hash });
      prev = hash;
    });
  }

  /**
   * Replaces every checkpoint with forged ones: the checkpoint records are removed and both chains renumbered and
   * rehashed; then, with `key`, each chain gets one seal signed by it (traces first, then logs, as the distro does).
   */
  forgeCheckpoints(key: SigningKey | undefined): void {
    this.remove(isCheckpoint);
    this.rehash("traces", { renumber: true });
    this.rehash("logs", { renumber: true });
    if (key === undefined) return;
    for (const signal of ["traces", "logs"] as const) {
      const chain = this.chain(signal);
      const head = chain.at(-1)!;
      const logs = this.chain("logs");
      const template = logs.at(-1)!;
      // The process's audit.chain: the seal is in its logs chain and covers its chain of `signal`.
      const chainId = (attr(head, "audit.chain")?.["stringValue"] as string | undefined) ?? "";
      const fields = {
        instance: instanceIdFromOtlpJson(head.resourceBlock.resource),
        chain: chainId,
        signal,
        index: 1,
        first: 1,
        last: seqOf(head)!,
        head: attr(head, "audit.hash")!["stringValue"] as string,
        prev: "",
        kind: AUDIT_CHECKPOINT_KIND_SEAL,
        keyId: key.keyId,
        time: "2026-11-24T11:00:00.000Z",
      } as const;
      const attributes = { [ATTR_EVENT_NAME]: EVENT_AUDIT_CHECKPOINT, ...checkpointAttributes({ fields, signature: signCheckpoint(fields, key) }) };
      const record: Json = {
        timeUnixNano: "1795514400000000000",
        observedTimeUnixNano: "1795514400000000000",
        severityNumber: 9,
        severityText: "INFO",
        body: {},
        attributes: Object.entries(attributes).map(([k, v]) => ({ key: k, value: typeof v === "number" ? { intValue: String(v) } : { stringValue: v } })),
        eventName: EVENT_AUDIT_CHECKPOINT,
      };
      if (chainId !== "") record.attributes.push({ key: "audit.chain", value: { stringValue: chainId } });
      record.attributes.push({ key: "audit.seq", value: { intValue: String(seqOf(template)! + 1) } });
      this.files.get(template.file)!.push({ resourceLogs: [{ ...template.resourceBlock, scopeLogs: [{ ...template.scopeBlock, logRecords: [record] }] }] });
      this.rehash("logs");
    }
  }
}

/** An item's canonical JSON, as the verifier computes it. */
export function canonicalOf(item: Item): string {
  const context = {
    resource: canonicalResourceFromOtlpJson(item.resourceBlock.resource, item.resourceBlock.schemaUrl),
    scope: canonicalScopeFromOtlpJson(item.scopeBlock.scope, item.scopeBlock.schemaUrl),
  };
  return canonicalJson(item.signal === "traces" ? canonicalSpanFromOtlpJson(item.record, context) : canonicalLogRecordFromOtlpJson(item.record, context));
}
