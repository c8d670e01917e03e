// SPDX-License-Identifier: Apache-2.0
import { ATTR_AUDIT_CHAIN } from "@langchain-otel/instrumentation/semconv";
import { ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ, type OtlpJsonKeyValue } from "@langchain-otel/node/integrity";
import { seqFromAnyValue } from "../trail/values.js";

const HASH = /^[0-9a-f]{64}$/;

/** A record's audit fields as the verifier judges them. */
export type AuditFields =
  | { readonly kind: "none" }
  | { readonly kind: "valid"; readonly seq: number; readonly hash: string }
  /** `seq` is set when audit.seq itself is valid (then audit.hash is what is wrong). */
  | { readonly kind: "invalid"; readonly seq: number | undefined; readonly reason: string };

function valueOf(attributes: OtlpJsonKeyValue[], key: string): Record<string, unknown> | null | undefined {
  for (let i = attributes.length - 1; i >= 0; i--) {
    const entry = attributes[i];
    if (entry?.key === key) return (entry.value ?? null) as Record<string, unknown> | null;
  }
  return undefined;
}

/** Reads `audit.seq` (a positive integer `intValue`) and `audit.hash` (64 lower-case hex digits, `stringValue`). */
export function auditFieldsOf(attributes: OtlpJsonKeyValue[] | undefined): AuditFields {
  const list = Array.isArray(attributes) ? attributes : [];
  const seqValue = valueOf(list, ATTR_AUDIT_SEQ);
  const hashValue = valueOf(list, ATTR_AUDIT_HASH);
  if (seqValue === undefined && hashValue === undefined) return { kind: "none" };
  const seq = seqFromAnyValue(seqValue);
  if (seq === undefined) {
    const reason = seqValue === undefined ? "audit.hash without audit.seq" : "audit.seq is not a positive integer";
    return { kind: "invalid", seq: undefined, reason };
  }
  const hash = hashValue?.["stringValue"];
  if (typeof hash !== "string") return { kind: "invalid", seq, reason: "audit.seq without audit.hash" };
  if (!HASH.test(hash)) return { kind: "invalid", seq, reason: "audit.hash is not 64 lower-case hex digits" };
  return { kind: "valid", seq, hash };
}

/** The record's `audit.chain` (a string), or "" when it has none: with the instance, it names the chain. */
export function auditChainOf(attributes: OtlpJsonKeyValue[] | undefined): string {
  const value = Array.isArray(attributes) ? valueOf(attributes, ATTR_AUDIT_CHAIN) : undefined;
  const text = value?.["stringValue"];
  return typeof text === "string" ? text : "";
}
