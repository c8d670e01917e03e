// SPDX-License-Identifier: Apache-2.0
// The attacks of the tampering table: each edits a copy of a signed trail as someone who can write the audit
// files could. "Recomputed" attacks rewrite audit.seq / audit.hash so every hash verifies again; "forged"
// ones also replace the checkpoints with seals signed by the attacker's own key.
import type { SigningKey } from "@langchain-otel/node/integrity";
import { EditableTrail, attr, deleteAttr, isCheckpoint, seqOf, setAttr, type Item } from "./editable-trail.js";

/** What an attack may use besides the trail: the attacker's own key (never a trusted one). */
export interface AttackTools {
  readonly attackerKey: SigningKey;
}

export interface Attack {
  readonly name: string;
  run(trail: EditableTrail, tools: AttackTools): void;
}

const LATE_RUN_ID = "019ab3c5-0000-7000-8000-00000000bbbb";
const runIdOf = (item: Item) => attr(item, "langchain.run_id")?.["stringValue"] as string | undefined;
const eventOf = (item: Item) => attr(item, "event.name")?.["stringValue"] as string | undefined;
/** The first record of a signal with this run ID and (for logs) event. */
function find(trail: EditableTrail, signal: "traces" | "logs", runId: string, event?: string): Item {
  const item = trail.items(signal).find((i) => runIdOf(i) === runId && (event === undefined || eventOf(i) === event));
  if (item === undefined) throw new Error(`no ${signal} record of run ${runId}`);
  return item;
}
const AGENT_LLM = "019ab3c4-d5e6-7f00-b1b2-c3d4e5f60001";

function editTokens(trail: EditableTrail): void {
  setAttr(find(trail, "logs", AGENT_LLM, "langchain.run.end"), "gen_ai.usage.input_tokens", { intValue: "12" });
}
function editUser(trail: EditableTrail): void {
  for (const item of trail.items().filter((i) => attr(i, "user.id")?.["stringValue"] === "u-1")) setAttr(item, "user.id", { stringValue: "u-9" });
}

export const ATTACKS: Attack[] = [
  { name: "payload edited, hashes not recomputed", run: (t) => editTokens(t) },
  {
    name: "payload edited, chain recomputed",
    run: (t) => {
      editTokens(t);
      t.rehash("logs");
    },
  },
  {
    name: "payload edited, chain recomputed, checkpoints forged with the attacker's key",
    run: (t, { attackerKey }) => {
      editTokens(t);
      t.forgeCheckpoints(attackerKey);
    },
  },
  {
    name: "user.id edited in spans and records, chains recomputed, checkpoints removed",
    run: (t) => {
      editUser(t);
      t.forgeCheckpoints(undefined);
    },
  },
  {
    name: "last run deleted (its span and records)",
    run: (t) => t.remove((i) => runIdOf(i) === LATE_RUN_ID),
  },
  {
    name: "last run deleted with the seals after it, chains recomputed",
    run: (t) => {
      const lateStart = seqOf(find(t, "logs", LATE_RUN_ID, "langchain.run.start"))!;
      t.remove((i) => runIdOf(i) === LATE_RUN_ID || (i.signal === "logs" && seqOf(i)! > lateStart));
      t.rehash("logs");
    },
  },
  {
    name: "middle records deleted, renumbered and recomputed",
    run: (t) => {
      t.remove((i) => runIdOf(i) === "019ab3c5-0000-7000-8000-00000000aaaa");
      t.rehash("traces", { renumber: true });
      t.rehash("logs", { renumber: true });
    },
  },
  {
    name: "middle records deleted, renumbered, checkpoints forged",
    run: (t, { attackerKey }) => {
      t.remove((i) => runIdOf(i) === "019ab3c5-0000-7000-8000-00000000aaaa");
      t.forgeCheckpoints(attackerKey);
    },
  },
  {
    name: "two records swapped and recomputed",
    run: (t) => {
      const [a, b] = t.chain("traces");
      setAttr(a!, "audit.seq", { intValue: "2" });
      setAttr(b!, "audit.seq", { intValue: "1" });
      t.rehash("traces");
    },
  },
  { name: "traces.jsonl deleted", run: (t) => t.files.delete("traces.jsonl") },
  { name: "logs.jsonl deleted", run: (t) => t.files.delete("logs.jsonl") },
  {
    name: "both files emptied",
    run: (t) => {
      for (const name of t.files.keys()) t.files.set(name, []);
    },
  },
  {
    name: "record without audit fields injected (a forged approval)",
    run: (t) => {
      const template = find(t, "logs", LATE_RUN_ID, "langchain.run.end");
      const record = JSON.parse(JSON.stringify(template.record));
      record.attributes = record.attributes.filter((a: { key: string }) => a.key !== "audit.seq" && a.key !== "audit.hash");
      record.attributes.push({ key: "langchain.run_name", value: { stringValue: "approve_wire" } });
      t.files.get(template.file)!.push({ resourceLogs: [{ ...template.resourceBlock, scopeLogs: [{ ...template.scopeBlock, logRecords: [record] }] }] });
    },
  },
  {
    name: "stamp stripped from the last span, which is then edited",
    run: (t) => {
      const last = t.chain("traces").at(-1)!;
      deleteAttr(last, "audit.seq");
      deleteAttr(last, "audit.hash");
      last.record.name = "chat gpt-4o";
    },
  },
  {
    name: "whole new instance chain forged (hashes valid, no checkpoint)",
    run: (t) => forgeOtherInstance(t, undefined),
  },
  {
    name: "whole new instance chain forged, sealed with the attacker's key",
    run: (t, { attackerKey }) => forgeOtherInstance(t, attackerKey),
  },
  { name: "resource attribute edited (service.name)", run: (t) => editResource(t) },
  {
    name: "span link added",
    run: (t) => {
      const span = t.chain("traces")[0]!;
      span.record.links = [{ traceId: "019ab3c4d5e67f00a1b2c3d4e5f6aaaa", spanId: "a1b2c3d4e5f6aaaa", flags: 257 }];
    },
  },
  {
    name: "trace state edited",
    run: (t) => {
      t.chain("traces")[0]!.record.traceState = "vendor=approved";
    },
  },
  {
    name: "span flags edited (sampled bit cleared)",
    run: (t) => {
      t.chain("traces")[0]!.record.flags = 256;
    },
  },
  {
    name: "instrumentation scope version edited",
    run: (t) => {
      t.chain("traces")[0]!.scopeBlock.scope.version = "9.9.9";
    },
  },
  {
    name: "a checkpoint removed from the middle, logs chain recomputed",
    run: (t) => {
      const first = t.chain("logs").find(isCheckpoint)!;
      t.remove((i) => i.record === first.record);
      t.rehash("logs", { renumber: true });
    },
  },
  {
    name: "the seal's signature altered, logs chain recomputed",
    run: (t) => {
      const seal = t.chain("logs").at(-1)!;
      const signature = attr(seal, "audit.checkpoint.signature")!["stringValue"] as string;
      setAttr(seal, "audit.checkpoint.signature", { stringValue: (signature[0] === "A" ? "B" : "A") + signature.slice(1) });
      t.rehash("logs");
    },
  },
  {
    name: "record appended after the seal",
    run: (t) => {
      const last = t.chain("traces").at(-1)!;
      const copy = JSON.parse(JSON.stringify(last.record));
      copy.spanId = "00000000000000aa";
      copy.name = "execute_tool approve_wire";
      last.scopeBlock.spans.push(copy);
      setAttr({ ...last, record: copy }, "audit.seq", { intValue: String(seqOf(last)! + 1) });
      t.rehash("traces");
    },
  },
];

function editResource(t: EditableTrail): void {
  const block = t.chain("logs")[0]!.resourceBlock;
  const name = (block.resource.attributes as Array<{ key: string; value: { stringValue?: string } }>).find((a) => a.key === "service.name")!;
  name.value = { stringValue: "other-bot" };
}

/** Adds a chain for instance "forged-instance": a copy of the trail's first run, rehashed, optionally sealed. */
function forgeOtherInstance(t: EditableTrail, key: SigningKey | undefined): void {
  const copy = EditableTrail.fromItems(
    t.items().filter((i) => !isCheckpoint(i) && (runIdOf(i) === AGENT_LLM || runIdOf(i) === "019ab3c4-d5e6-7f00-a1b2-c3d4e5f60718")),
    "forged-instance",
  );
  copy.forgeCheckpoints(key);
  for (const [name, requests] of copy.files) t.files.set(`forged-${name}`, requests);
}
