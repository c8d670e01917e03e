// SPDX-License-Identifier: Apache-2.0
/**
 * The byte budget of one attribute: a text longer than its budget is cut at a character boundary and ends with
 * a marker carrying the original size and a digest of the whole text. Total: never throws.
 */

import { Buffer } from "node:buffer";
import { sizedSha256 } from "./hmac.js";
import { wellFormed, type JsonSafe } from "./json-safe.js";

export interface SerializedPayload {
  /** The (possibly truncated) text to put in an attribute. */
  text: string;
  /** True when `text` was cut to the byte budget. */
  truncated: boolean;
  /** UTF-8 byte length of the full canonical text. */
  originalBytes: number;
  /** Lower-case hex SHA-256 of the full canonical text; set only when truncated. */
  sha256?: string;
}

export function unserializable(): SerializedPayload {
  return { text: "[Unserializable]", truncated: false, originalBytes: 0 };
}

export function byteBudget(maxBytes: unknown): number {
  // Anything not a number of at least 1 byte (0, negatives, NaN) leaves room for the marker only.
  return typeof maxBytes === "number" && maxBytes >= 1 ? Math.floor(maxBytes) : 1;
}

/** Number of UTF-16 code units of the longest prefix of `text` fitting `budget` UTF-8 bytes, never splitting a pair. */
function prefixLength(text: string, budget: number): number {
  // ASCII prefix (the usual case): one byte per code unit, found by the native byte count.
  if (budget <= text.length && Buffer.byteLength(text.slice(0, budget), "utf8") === budget) return budget;
  // Every step adds at least one byte, so this reads at most `budget` code units of a text of any size.
  let bytes = 0;
  let i = 0;
  const length = text.length;
  while (i < length) {
    const unit = text.charCodeAt(i);
    let size = 3;
    let units = 1;
    if (unit < 0x80) {
      size = 1;
    } else if (unit < 0x800) {
      size = 2;
    } else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        size = 4;
        units = 2;
      }
    }
    // Lone surrogates count 3 bytes: they encode as U+FFFD, as in Buffer.byteLength.
    if (bytes + size > budget) break;
    bytes += size;
    i += units;
  }
  return i;
}

/** Fits well-formed `text` into `maxBytes` (a positive integer or Infinity). */
export function fitText(text: string, maxBytes: number): SerializedPayload {
  // Each UTF-16 code unit is at most 3 UTF-8 bytes, so short texts fit without a byte count
  // deciding it; the count is still taken for originalBytes, but only over this short text.
  if (text.length * 3 <= maxBytes) return { text, truncated: false, originalBytes: Buffer.byteLength(text, "utf8") };
  // Longer than the budget in code units: over it in bytes too, so the size comes with the digest.
  if (text.length <= maxBytes) {
    const originalBytes = Buffer.byteLength(text, "utf8");
    if (originalBytes <= maxBytes) return { text, truncated: false, originalBytes };
  }
  const whole = sizedSha256(text);
  return cutWithMarker(text, maxBytes, { originalBytes: whole.bytes, digest: whole.hex, label: "sha256" });
}

/** What a truncation marker says of the whole value: its size and a digest of its text. */
export interface WholeValue {
  originalBytes: number;
  /** Lower-case hex digest of the whole text. */
  digest: string;
  /** The digest's name in the marker: `sha256`, or `hmac-sha256` for a keyed digest. */
  label: string;
}

/**
 * The longest prefix of `text` that fits `maxBytes` together with the marker `…[truncated: <bytes> bytes,
 * <label>:<digest>]` describing `whole` (the marker alone when even it does not fit).
 */
export function cutWithMarker(text: string, maxBytes: number, whole: WholeValue): SerializedPayload {
  const { originalBytes, digest } = whole;
  const marker = `\u2026[truncated: ${originalBytes} bytes, ${whole.label}:${digest}]`;
  // The marker is ASCII apart from "…", one code unit that is 3 UTF-8 bytes.
  const markerBytes = marker.length + 2;
  if (markerBytes > maxBytes) return { text: marker, truncated: true, originalBytes, sha256: digest };

  const end = prefixLength(text, maxBytes - markerBytes);
  // Re-encoding copies the prefix: a plain slice could keep the whole (possibly huge)
  // original string alive for as long as the attribute lives.
  const prefix = Buffer.from(text.slice(0, end), "utf8").toString("utf8");
  return { text: prefix + marker, truncated: true, originalBytes, sha256: digest };
}

/**
 * The first `limitChars` characters' worth of a JSON-safe tree, in JSON text order: the strings and keys that reach
 * past the limit are cut there, and the entries after it are left out. What a budgeted scan reads instead of the
 * whole value: the text of the result is at most about `limitChars` long (lengths are counted without JSON
 * escapes, so never more than the real text), and holds nothing that is not in the value.
 */
export function pruneJsonSafe(value: JsonSafe, limitChars: number): JsonSafe {
  const state = { used: 0, limit: limitChars };
  return prune(value, state);
}

function prune(value: JsonSafe, state: { used: number; limit: number }): JsonSafe {
  if (typeof value === "string") {
    const room = Math.max(0, state.limit - state.used);
    state.used += value.length + 2;
    return value.length <= room ? value : value.slice(0, room);
  }
  if (value === null || typeof value !== "object") {
    state.used += String(value).length;
    return value;
  }
  state.used += 1;
  if (Array.isArray(value)) {
    const out: JsonSafe[] = [];
    for (const item of value) {
      if (state.used >= state.limit) break;
      out.push(prune(item, state));
      state.used += 1;
    }
    return out;
  }
  const out: { [key: string]: JsonSafe } = {};
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (state.used >= state.limit) break;
    const room = Math.max(0, state.limit - state.used);
    const kept = key.length <= room ? key : key.slice(0, room);
    state.used += kept.length + 3;
    const child = prune(value[key], state);
    if (kept === "__proto__") Object.defineProperty(out, kept, { value: child, enumerable: true, writable: true, configurable: true });
    else out[kept] = child;
  }
  return out;
}

/**
 * Cuts a string to at most maxBytes UTF-8 bytes, at a character boundary, with the truncation marker.
 *
 * A text that fits is returned as is (lone surrogates replaced with U+FFFD). Otherwise the
 * longest prefix that fits together with the marker `…[truncated: <originalBytes> bytes,
 * sha256:<hex>]` is kept; when even the marker does not fit, the text is the marker alone
 * (and so longer than maxBytes). `maxBytes` below 1 (or NaN) counts as 1. Never throws.
 */
export function truncateText(text: string, maxBytes: number): SerializedPayload {
  try {
    return fitText(wellFormed(typeof text === "string" ? text : String(text)), byteBudget(maxBytes));
  } catch {
    return unserializable();
  }
}
