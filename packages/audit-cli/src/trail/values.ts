// SPDX-License-Identifier: Apache-2.0
import { ATTR_AUDIT_SEQ, type OtlpJsonKeyValue } from "@langchain-otel/node/integrity";

/** OTLP `Status.code` of a failed span (`STATUS_CODE_ERROR`). */
export const OTLP_STATUS_CODE_ERROR = 2;

/** A plain attribute value read from OTLP/JSON: strings, numbers and booleans as is; arrays and maps as JSON text. */
export type PlainValue = string | number | boolean;

function plain(value: unknown): PlainValue | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v["stringValue"] === "string") return v["stringValue"];
  if (v["intValue"] !== undefined) {
    const n = Number(v["intValue"]);
    return Number.isFinite(n) ? n : undefined;
  }
  if (v["doubleValue"] !== undefined) {
    const n = Number(v["doubleValue"]);
    return Number.isNaN(n) && v["doubleValue"] !== "NaN" ? undefined : n;
  }
  if (typeof v["boolValue"] === "boolean") return v["boolValue"];
  if (v["arrayValue"] !== undefined || v["kvlistValue"] !== undefined || v["bytesValue"] !== undefined) return JSON.stringify(value);
  return undefined;
}

/** A record's attributes by key (the last of duplicate keys wins), as plain values. */
export function attributeMap(attributes: OtlpJsonKeyValue[] | undefined): Map<string, PlainValue> {
  const out = new Map<string, PlainValue>();
  if (!Array.isArray(attributes)) return out;
  for (const entry of attributes) {
    if (typeof entry?.key !== "string") continue;
    const value = plain(entry.value);
    if (value !== undefined) out.set(entry.key, value);
  }
  return out;
}

/** A string attribute, or undefined (a number is written in decimal). */
export function stringAttr(attributes: Map<string, PlainValue>, key: string): string | undefined {
  const value = attributes.get(key);
  return value === undefined ? undefined : String(value);
}

/** A numeric attribute, or undefined. */
export function numberAttr(attributes: Map<string, PlainValue>, key: string): number | undefined {
  const value = attributes.get(key);
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** An `audit.seq` value: a positive safe integer `intValue` (a decimal string, or a JSON number), else undefined. */
export function seqFromAnyValue(value: unknown): number | undefined {
  const raw = (value as Record<string, unknown> | null | undefined)?.["intValue"];
  const n = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : typeof raw === "number" ? raw : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
}

/** The `audit.seq` of a record (the last entry of that key), when valid. */
export function auditSeqOf(attributes: OtlpJsonKeyValue[] | undefined): number | undefined {
  if (!Array.isArray(attributes)) return undefined;
  for (let i = attributes.length - 1; i >= 0; i--) {
    const entry = attributes[i];
    if (entry?.key === ATTR_AUDIT_SEQ) return seqFromAnyValue(entry.value);
  }
  return undefined;
}

/** Nanoseconds (a decimal string or number in OTLP/JSON) as a bigint; 0n when missing or not a number. */
export function nanosOf(value: unknown): bigint {
  if (typeof value === "string" && /^\d+$/.test(value)) return BigInt(value);
  if (typeof value === "number" && Number.isInteger(value) && value >= 0) return BigInt(value);
  return 0n;
}

/** An ISO 8601 UTC time, to the millisecond, of nanoseconds since the epoch ("" for 0). */
export function isoTime(nanos: bigint): string {
  return nanos === 0n ? "" : new Date(Number(nanos / 1_000_000n)).toISOString();
}
