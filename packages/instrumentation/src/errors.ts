// SPDX-License-Identifier: Apache-2.0
import { SpanStatusCode, type Span } from "@opentelemetry/api";
import type { ContentPolicy } from "./types.js";
import { ATTR_ERROR_TYPE, ATTR_EXCEPTION_MESSAGE, ATTR_EXCEPTION_STACKTRACE, ATTR_EXCEPTION_TYPE, EVENT_EXCEPTION } from "./semconv.js";

// LangGraph throws these to steer the graph (human-in-the-loop interrupts, commands to a parent graph).
const CONTROL_FLOW_ERRORS = new Set(["GraphInterrupt", "NodeInterrupt", "ParentCommand", "GraphBubbleUp"]);

/** A low-cardinality type for `error.type`: the error's class name, never its message. */
export function errorTypeOf(error: unknown): string {
  try {
    if (error instanceof Error || (error !== null && typeof error === "object")) {
      const name = (error as { name?: unknown }).name;
      if (typeof name === "string" && name !== "" && name !== "Error") return name;
      const ctor = (error as object).constructor?.name;
      if (typeof ctor === "string" && ctor !== "" && ctor !== "Object") return ctor;
      return "Error";
    }
  } catch {
    // Exotic errors (throwing getters, revoked proxies) still get a type.
  }
  return typeof error === "string" ? "string" : "_OTHER";
}

/** Whether an error thrown through a run is LangGraph control flow rather than a failure. */
export function isControlFlowSignal(error: unknown): boolean {
  return CONTROL_FLOW_ERRORS.has(errorTypeOf(error));
}

/** The error's stack, if it has one as a string; an exotic error (throwing getters, revoked proxies) has none. */
function stackOf(error: unknown): string | undefined {
  try {
    const stack = (error as { stack?: unknown } | null)?.stack;
    return typeof stack === "string" ? stack : undefined;
  } catch {
    return undefined;
  }
}

function messageOf(error: unknown): string {
  try {
    if (error !== null && typeof error === "object" && typeof (error as { message?: unknown }).message === "string") {
      return (error as { message: string }).message;
    }
    return String(error);
  } catch {
    return "";
  }
}

/**
 * Status ERROR, `error.type`, and an exception event on the span; returns the attributes the run's error
 * record carries. The message and stack are content (they can quote user input): under content policy `none`
 * only the type is recorded, under `redacted` they are redacted, and so is the type (an error's `name` is the
 * thrower's to choose).
 */
export function recordError(
  span: Span,
  error: unknown,
  policy: ContentPolicy,
  redact: (text: string) => string = (text) => text,
): Record<string, string> {
  const type = redact(errorTypeOf(error));
  span.setAttribute(ATTR_ERROR_TYPE, type);
  if (policy === "none") {
    span.setStatus({ code: SpanStatusCode.ERROR, message: type });
    span.addEvent(EVENT_EXCEPTION, { [ATTR_EXCEPTION_TYPE]: type });
    return { [ATTR_ERROR_TYPE]: type };
  }
  // Under `redacted`, message and stack go through the redactor like every other payload.
  const message = redact(messageOf(error));
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  const stack = stackOf(error);
  span.addEvent(EVENT_EXCEPTION, {
    [ATTR_EXCEPTION_TYPE]: type,
    [ATTR_EXCEPTION_MESSAGE]: message,
    ...(stack !== undefined ? { [ATTR_EXCEPTION_STACKTRACE]: redact(stack) } : {}),
  });
  return { [ATTR_ERROR_TYPE]: type, [ATTR_EXCEPTION_MESSAGE]: message };
}
