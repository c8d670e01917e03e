// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from "node:crypto";

/**
 * Run IDs are span IDs.
 *
 * LangChain 1.x run IDs are UUIDv7, whose high 48 bits are a millisecond
 * timestamp; the low 64 bits are random, so they make the span ID. A root run's
 * full UUID makes the trace ID, so a run ID found anywhere opens its trace.
 */

const INVALID_SPAN_ID = "0000000000000000";
const INVALID_TRACE_ID = "00000000000000000000000000000000";
// Where a UUID's dashes are: every other of its 36 characters is a hex digit.
const DASHES = [8, 13, 18, 23];

/** True when every character of `text` from `start` to `end` is a hex digit. */
function isHex(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) continue;
    const letter = c | 0x20; // A-F to a-f
    if (letter < 0x61 || letter > 0x66) return false;
  }
  return true;
}

/**
 * The run UUID as 32 lower-case hex digits, or undefined when it is not a UUID. Checked and cut in one pass per
 * group (every run start parses its ID; a regular expression plus five slices cost more than the span IDs save).
 */
function runIdHex(runId: string): string | undefined {
  if (typeof runId !== "string" || runId.length !== 36) return undefined;
  let hex = "";
  let start = 0;
  for (const dash of DASHES) {
    if (runId.charCodeAt(dash) !== 0x2d || !isHex(runId, start, dash)) return undefined;
    hex += runId.slice(start, dash);
    start = dash + 1;
  }
  if (!isHex(runId, start, 36)) return undefined;
  hex += runId.slice(start);
  return hex.toLowerCase();
}

/**
 * Both IDs a run can give, from one parse of its UUID: the span ID (low 64 bits) and the trace ID (the whole UUID,
 * used when the run is a root). Each is undefined for a non-UUID or an all-zero ID.
 */
export function idsFromRunId(runId: string): { traceId: string | undefined; spanId: string | undefined } {
  const hex = runIdHex(runId);
  if (hex === undefined) return { traceId: undefined, spanId: undefined };
  const spanId = hex.slice(16);
  return {
    traceId: hex === INVALID_TRACE_ID ? undefined : hex,
    spanId: spanId === INVALID_SPAN_ID ? undefined : spanId,
  };
}

/** Span ID for a run: the low 64 bits (last 16 hex digits) of its UUID; undefined for non-UUID or all-zero IDs. */
export function spanIdFromRunId(runId: string): string | undefined {
  return idsFromRunId(runId).spanId;
}

/** Trace ID for a root run: its full UUID as 32 hex digits; undefined for non-UUID or all-zero IDs. */
export function traceIdFromRunId(runId: string): string | undefined {
  return idsFromRunId(runId).traceId;
}

/** IDs the handler wants for the one `startSpan` call it is about to make. */
interface PendingIds {
  traceId: string | undefined;
  spanId: string | undefined;
}

// Shared through globalThis so a generator from one copy of this package serves
// a handler from another (CJS and ESM builds, nested installs).
const PENDING_KEY = Symbol.for("@langchain-otel/instrumentation.pending-run-ids");
type PendingHolder = { [PENDING_KEY]?: PendingIds | undefined };

/**
 * Runs `fn` (a synchronous `tracer.startSpan` call) with the run's IDs offered
 * to {@link RunIdGenerator}. Without that generator installed the IDs are
 * simply not used and the SDK picks random ones.
 */
export function withPendingRunIds<T>(traceId: string | undefined, spanId: string | undefined, fn: () => T): T {
  const holder = globalThis as PendingHolder;
  const previous = holder[PENDING_KEY];
  holder[PENDING_KEY] = spanId === undefined ? undefined : { traceId, spanId };
  try {
    return fn();
  } finally {
    holder[PENDING_KEY] = previous;
  }
}

const HEX_DIGITS = "0123456789abcdef";

function randomHex(length: number): string {
  // Same approach as the SDK's default generator: cheap, non-cryptographic, never all zeros.
  let out = "";
  for (let i = 0; i < length; i++) out += HEX_DIGITS[Math.floor(Math.random() * 16)];
  return /^0+$/.test(out) ? randomHex(length) : out;
}

/** A random, valid trace ID (for runs whose ID cannot make one). */
export function randomTraceId(): string {
  return randomHex(32);
}

/** A random, valid span ID. */
export function randomSpanId(): string {
  return randomHex(16);
}

/**
 * An OpenTelemetry SDK `IdGenerator` that gives LangChain run spans their run-derived IDs
 * (span ID = low 64 bits of the run UUID; trace ID = root run UUID) and random IDs to every other span.
 *
 * @example new NodeSDK({ idGenerator: new RunIdGenerator(), instrumentations: [new LangChainInstrumentation()] })
 */
export class RunIdGenerator {
  generateTraceId(): string {
    const pending = (globalThis as PendingHolder)[PENDING_KEY];
    const traceId = pending?.traceId;
    if (traceId === undefined) return randomHex(32);
    pending!.traceId = undefined;
    return traceId;
  }

  generateSpanId(): string {
    const pending = (globalThis as PendingHolder)[PENDING_KEY];
    const spanId = pending?.spanId;
    if (spanId === undefined) return randomHex(16);
    // Each offered ID serves one span: a span started from inside an SDK hook gets a random one.
    pending!.spanId = undefined;
    return spanId;
  }
}

// The text newRunId puts before the random part, and the millisecond it was made for.
let prefixMillis = -1;
let prefix = "";

/**
 * A new UUIDv7 run ID (48-bit millisecond timestamp, version 7, variant 10, random rest), the same shape
 * LangChain gives its runs. Used when we must know a run's ID before LangChain starts it.
 */
export function newRunId(nowMillis: number = Date.now()): string {
  // randomUUID draws from a cached entropy pool (no syscall per ID, unlike randomBytes); keep its random bits and
  // variant, put the 48-bit millisecond timestamp in front and the version 7 nibble in place.
  const random = randomUUID();
  const millis = Math.max(0, Math.floor(nowMillis));
  // The runs of one invoke start within a millisecond or two: the timestamp's text is made once per millisecond.
  if (millis !== prefixMillis) {
    const ts = millis.toString(16).padStart(12, "0").slice(-12);
    prefix = `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7`;
    prefixMillis = millis;
  }
  return prefix + random.slice(15);
}
