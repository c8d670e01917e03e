// SPDX-License-Identifier: Apache-2.0
import { sign, verify } from "node:crypto";
import type { Attributes } from "@opentelemetry/api";
import {
  ATTR_AUDIT_CHECKPOINT_CHAIN,
  ATTR_AUDIT_CHECKPOINT_FIRST_SEQ,
  ATTR_AUDIT_CHECKPOINT_HEAD,
  ATTR_AUDIT_CHECKPOINT_INDEX,
  ATTR_AUDIT_CHECKPOINT_KEY_ID,
  ATTR_AUDIT_CHECKPOINT_KIND,
  ATTR_AUDIT_CHECKPOINT_LAST_SEQ,
  ATTR_AUDIT_CHECKPOINT_PREV,
  ATTR_AUDIT_CHECKPOINT_SIGNAL,
  ATTR_AUDIT_CHECKPOINT_SIGNATURE,
  ATTR_AUDIT_CHECKPOINT_TIME,
  AUDIT_CHECKPOINT_KIND_CHECKPOINT,
  AUDIT_CHECKPOINT_KIND_SEAL,
} from "@langchain-otel/instrumentation/semconv";
import type { AuditSignal } from "./canonical.js";
import { canonicalJson } from "./canonical-json.js";
import type { SigningKey, VerifyKey } from "./signing-key.js";

/** `checkpoint` (every N records / T ms) or `seal` (the last one, written when the process ends). */
export type CheckpointKind = typeof AUDIT_CHECKPOINT_KIND_CHECKPOINT | typeof AUDIT_CHECKPOINT_KIND_SEAL;

/** What a checkpoint says about its chain: every field is covered by the signature. */
export interface CheckpointFields {
  /** `service.instance.id` of the chain (the checkpoint record's own resource carries the same). */
  readonly instance: string;
  /** `audit.chain` of the chain ("" when the records carry none). */
  readonly chain: string;
  readonly signal: AuditSignal;
  /** 1 for the chain's first checkpoint, then 2, 3, … */
  readonly index: number;
  /** First seq covered: the previous checkpoint's `last` + 1, or 1. A seal with nothing new has first = last + 1. */
  readonly first: number;
  /** The chain's head seq when signed (0 only for a seal of an empty chain). */
  readonly last: number;
  /** `audit.hash` of the record at `last`. */
  readonly head: string;
  /** Signature (base64) of checkpoint `index - 1`; "" for the first. */
  readonly prev: string;
  readonly kind: CheckpointKind;
  readonly keyId: string;
  /** ISO 8601 UTC, milliseconds. */
  readonly time: string;
}

/** A checkpoint and its signature, as a record (or a SIEM line) carries them. */
export interface SignedCheckpoint {
  readonly fields: CheckpointFields;
  /** Base64 Ed25519 signature over {@link checkpointMessage}. */
  readonly signature: string;
}

/** Prefix of every signed message, so a checkpoint signature cannot be replayed as a signature of anything else. */
export const CHECKPOINT_SIGNATURE_CONTEXT = "langchain-otel audit checkpoint v1\n";

/**
 * The bytes a checkpoint's signature covers: {@link CHECKPOINT_SIGNATURE_CONTEXT}, then the canonical JSON
 * (RFC 8785) of `{chain, first, head, index, instance, keyId, kind, last, prev, signal, time}`, UTF-8.
 */
export function checkpointMessage(fields: CheckpointFields): Buffer {
  const payload = canonicalJson({
    chain: fields.chain,
    first: fields.first,
    head: fields.head,
    index: fields.index,
    instance: fields.instance,
    keyId: fields.keyId,
    kind: fields.kind,
    last: fields.last,
    prev: fields.prev,
    signal: fields.signal,
    time: fields.time,
  });
  return Buffer.from(CHECKPOINT_SIGNATURE_CONTEXT + payload, "utf8");
}

/** Signs a checkpoint (Ed25519, pure): the base64 signature. */
export function signCheckpoint(fields: CheckpointFields, key: SigningKey): string {
  return sign(null, checkpointMessage(fields), key.privateKey).toString("base64");
}

/** Whether `signature` is `key`'s signature of the checkpoint. Never throws (a malformed signature is invalid). */
export function checkpointSignatureValid(checkpoint: SignedCheckpoint, key: VerifyKey): boolean {
  try {
    const signature = Buffer.from(checkpoint.signature, "base64");
    if (signature.length !== 64 || signature.toString("base64") !== checkpoint.signature) return false;
    return verify(null, checkpointMessage(checkpoint.fields), key.publicKey, signature);
  } catch {
    return false;
  }
}

/** The attributes of a checkpoint record (the instance is its resource's `service.instance.id`). */
export function checkpointAttributes(checkpoint: SignedCheckpoint): Attributes {
  const f = checkpoint.fields;
  return {
    [ATTR_AUDIT_CHECKPOINT_SIGNAL]: f.signal,
    [ATTR_AUDIT_CHECKPOINT_CHAIN]: f.chain,
    [ATTR_AUDIT_CHECKPOINT_INDEX]: f.index,
    [ATTR_AUDIT_CHECKPOINT_FIRST_SEQ]: f.first,
    [ATTR_AUDIT_CHECKPOINT_LAST_SEQ]: f.last,
    [ATTR_AUDIT_CHECKPOINT_HEAD]: f.head,
    [ATTR_AUDIT_CHECKPOINT_PREV]: f.prev,
    [ATTR_AUDIT_CHECKPOINT_KIND]: f.kind,
    [ATTR_AUDIT_CHECKPOINT_KEY_ID]: f.keyId,
    [ATTR_AUDIT_CHECKPOINT_TIME]: f.time,
    [ATTR_AUDIT_CHECKPOINT_SIGNATURE]: checkpoint.signature,
  };
}

const HEX64 = /^[0-9a-f]{64}$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;
const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function count(value: string | number | boolean | undefined, min: number): number | undefined {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) && n >= min ? n : undefined;
}

/**
 * A checkpoint read back from a record's attributes (or a SIEM line's structured-data params, where every value
 * is a string): `get(name)` returns an attribute's plain value. Returns the reason when a field is missing or
 * malformed, so the verifier can name it.
 */
export function checkpointFromAttributes(
  get: (name: string) => string | number | boolean | undefined,
  instance: string,
): SignedCheckpoint | { readonly error: string } {
  const text = (name: string) => {
    const v = get(name);
    return typeof v === "string" ? v : undefined;
  };
  const signal = text(ATTR_AUDIT_CHECKPOINT_SIGNAL);
  if (signal !== "traces" && signal !== "logs") return { error: `${ATTR_AUDIT_CHECKPOINT_SIGNAL} is not traces or logs` };
  const chain = text(ATTR_AUDIT_CHECKPOINT_CHAIN) ?? "";
  const index = count(get(ATTR_AUDIT_CHECKPOINT_INDEX), 1);
  if (index === undefined) return { error: `${ATTR_AUDIT_CHECKPOINT_INDEX} is not a positive integer` };
  const first = count(get(ATTR_AUDIT_CHECKPOINT_FIRST_SEQ), 1);
  const last = count(get(ATTR_AUDIT_CHECKPOINT_LAST_SEQ), 0);
  if (first === undefined || last === undefined || first > last + 1) {
    return { error: `${ATTR_AUDIT_CHECKPOINT_FIRST_SEQ} / ${ATTR_AUDIT_CHECKPOINT_LAST_SEQ} are not a seq range` };
  }
  const kind = text(ATTR_AUDIT_CHECKPOINT_KIND);
  if (kind !== AUDIT_CHECKPOINT_KIND_CHECKPOINT && kind !== AUDIT_CHECKPOINT_KIND_SEAL) {
    return { error: `${ATTR_AUDIT_CHECKPOINT_KIND} is not checkpoint or seal` };
  }
  const head = text(ATTR_AUDIT_CHECKPOINT_HEAD) ?? "";
  if (!HEX64.test(head) && !(last === 0 && head === "")) return { error: `${ATTR_AUDIT_CHECKPOINT_HEAD} is not 64 lower-case hex digits` };
  const prev = text(ATTR_AUDIT_CHECKPOINT_PREV) ?? "";
  if (prev !== "" && !SIGNATURE.test(prev)) return { error: `${ATTR_AUDIT_CHECKPOINT_PREV} is not a base64 signature` };
  const keyId = text(ATTR_AUDIT_CHECKPOINT_KEY_ID) ?? "";
  if (!KEY_ID.test(keyId)) return { error: `${ATTR_AUDIT_CHECKPOINT_KEY_ID} is not 16 lower-case hex digits` };
  const time = text(ATTR_AUDIT_CHECKPOINT_TIME) ?? "";
  if (!TIME.test(time)) return { error: `${ATTR_AUDIT_CHECKPOINT_TIME} is not an ISO 8601 UTC time` };
  const signature = text(ATTR_AUDIT_CHECKPOINT_SIGNATURE) ?? "";
  if (!SIGNATURE.test(signature)) return { error: `${ATTR_AUDIT_CHECKPOINT_SIGNATURE} is not a base64 Ed25519 signature` };
  return { fields: { instance, chain, signal, index, first, last, head, prev, kind, keyId, time }, signature };
}
