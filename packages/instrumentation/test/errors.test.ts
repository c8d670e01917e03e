// SPDX-License-Identifier: Apache-2.0
import { SpanStatusCode } from "@opentelemetry/api";
import { beforeEach, describe, expect, it } from "vitest";
import { errorTypeOf, isControlFlowSignal, recordError } from "../src/errors.js";
import { setupTracing } from "./helpers.js";

const { provider, exporter, spans } = setupTracing();
beforeEach(() => exporter.reset());

class RateLimitError extends Error {}
class NamedError extends Error {
  override name = "AbortError";
}

describe("errorTypeOf", () => {
  it.each([
    ["an Error subclass: its class name", new RateLimitError("slow down"), "RateLimitError"],
    ["an error that sets its name: the name", new NamedError("aborted"), "AbortError"],
    ["a plain Error", new Error("x"), "Error"],
    ["an object with a name", { name: "GraphInterrupt" }, "GraphInterrupt"],
    ["an instance of a class without a name property", new (class ToolException {})(), "ToolException"],
    ["a plain object", { message: "x" }, "Error"],
    ["a string", "boom", "string"],
    ["a number", 42, "_OTHER"],
    ["undefined", undefined, "_OTHER"],
    ["null", null, "_OTHER"],
  ])("%s", (_name, error, expected) => {
    expect(errorTypeOf(error)).toBe(expected);
  });

  it("an object whose name getter throws still gets a type, and nothing is thrown", () => {
    const hostile = Object.defineProperty({}, "name", {
      get() {
        throw new Error("getter");
      },
    });
    expect(errorTypeOf(hostile)).toBe("_OTHER");
  });

  it("never uses the message: the type stays low-cardinality", () => {
    expect(errorTypeOf(new Error("user 4711 not found"))).toBe("Error");
  });
});

describe("isControlFlowSignal", () => {
  it.each([
    ["GraphInterrupt", true],
    ["NodeInterrupt", true],
    ["ParentCommand", true],
    ["GraphBubbleUp", true],
    ["GraphRecursionError", false],
    ["Error", false],
  ])("%s → %s", (name, expected) => {
    expect(isControlFlowSignal({ name })).toBe(expected);
  });
});

describe("recordError", () => {
  const failure = () => {
    const error = new RateLimitError("key sk-123 over quota");
    error.stack = "RateLimitError: key sk-123 over quota\n    at call (app.js:1:1)";
    return error;
  };

  it("full: ERROR status with the message, error.type, an exception event with type, message and stack", () => {
    const span = provider.getTracer("t").startSpan("run");
    const attrs = recordError(span, failure(), "full");
    span.end();
    const [ended] = spans();
    expect(attrs).toEqual({ "error.type": "RateLimitError", "exception.message": "key sk-123 over quota" });
    expect(ended!.status).toEqual({ code: SpanStatusCode.ERROR, message: "key sk-123 over quota" });
    expect(ended!.attributes).toEqual({ "error.type": "RateLimitError" });
    expect(ended!.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        "exception",
        {
          "exception.type": "RateLimitError",
          "exception.message": "key sk-123 over quota",
          "exception.stacktrace": "RateLimitError: key sk-123 over quota\n    at call (app.js:1:1)",
        },
      ],
    ]);
  });

  it("redacted: message and stack through the redactor", () => {
    const span = provider.getTracer("t").startSpan("run");
    const attrs = recordError(span, failure(), "redacted", (text) => text.replaceAll("sk-123", "[REDACTED:api_key]"));
    span.end();
    const [ended] = spans();
    expect(attrs["exception.message"]).toBe("key [REDACTED:api_key] over quota");
    expect(ended!.status.message).toBe("key [REDACTED:api_key] over quota");
    expect(ended!.events[0]!.attributes!["exception.stacktrace"]).toBe("RateLimitError: key [REDACTED:api_key] over quota\n    at call (app.js:1:1)");
  });

  it("none: the type only, neither message nor stack anywhere", () => {
    const span = provider.getTracer("t").startSpan("run");
    const attrs = recordError(span, failure(), "none");
    span.end();
    const [ended] = spans();
    expect(attrs).toEqual({ "error.type": "RateLimitError" });
    expect(ended!.status).toEqual({ code: SpanStatusCode.ERROR, message: "RateLimitError" });
    expect(ended!.events.map((e) => [e.name, e.attributes])).toEqual([["exception", { "exception.type": "RateLimitError" }]]);
  });

  it("a thrown string: its text as the message, no stack", () => {
    const span = provider.getTracer("t").startSpan("run");
    recordError(span, "plain failure", "full");
    span.end();
    expect(spans()[0]!.events[0]!.attributes).toEqual({ "exception.type": "string", "exception.message": "plain failure" });
  });

  it("an error whose message getter throws (so does V8's stack, which reads it): an empty message, no stack, nothing thrown", () => {
    const hostile = Object.defineProperty(new Error(), "message", {
      get() {
        throw new Error("getter");
      },
    });
    const span = provider.getTracer("t").startSpan("run");
    expect(recordError(span, hostile, "full")).toEqual({ "error.type": "Error", "exception.message": "" });
    span.end();
    expect(spans()[0]!.events.map((e) => e.attributes)).toEqual([{ "exception.type": "Error", "exception.message": "" }]);
  });
});
