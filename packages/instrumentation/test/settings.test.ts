// SPDX-License-Identifier: Apache-2.0
import { diag, DiagLogLevel, type DiagLogger } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OpenTelemetryCallbackHandler } from "../src/handler.js";
import { LangChainInstrumentation } from "../src/instrumentation.js";
import { resolveTracingOptions } from "../src/options.js";
import { envSnapshot } from "../src/setting-parsers.js";
import { setupTracing } from "./helpers.js";

const { spans, exporter } = setupTracing();
const RUN = "019ab3c4-d5e6-7f00-a1b2-c3d4e5f60718";

/** What a chain run with an email address in its inputs puts on its span under the handler's current options. */
function inputsOfOneRun(handler: OpenTelemetryCallbackHandler): unknown {
  exporter.reset();
  handler.handleChainStart({ id: ["x", "Echo"] }, { text: "mail ann@example.com" }, RUN, undefined, [], {}, "chain", "Echo");
  handler.handleChainEnd({ ok: true }, RUN);
  return spans()[0]?.attributes["langchain.inputs"];
}

const REDACTED = JSON.stringify({ text: "mail [REDACTED:email]" });
const FULL = JSON.stringify({ text: "mail ann@example.com" });

let errors: string[];

beforeEach(() => {
  for (const name of Object.keys(process.env)) if (name.startsWith("LANGCHAIN_OTEL_")) vi.stubEnv(name, "");
  errors = [];
  const logger: DiagLogger = {
    error: (...args: unknown[]) => void errors.push(args.map(String).join(" ")),
    warn: () => {},
    info: () => {},
    debug: () => {},
    verbose: () => {},
  };
  diag.setLogger(logger, DiagLogLevel.ERROR);
});

afterEach(() => {
  vi.unstubAllEnvs();
  diag.disable();
});

describe("LangChainInstrumentation settings", () => {
  it("uses options resolved by the caller as they are, without resolving again", () => {
    const resolved = resolveTracingOptions({ contentPolicy: "full" }, {});
    // The variable says otherwise: a second resolution would pick it up.
    vi.stubEnv("LANGCHAIN_OTEL_CONTENT_POLICY", "redacted");
    const instrumentation = new LangChainInstrumentation({ contentPolicy: "full", enabled: false }, resolved);
    expect(inputsOfOneRun(instrumentation.handler)).toBe(FULL);
  });

  it("setConfig resolves against the environment of construction, never process.env at run time", () => {
    const instrumentation = new LangChainInstrumentation({ contentPolicy: "full", enabled: false });
    vi.stubEnv("LANGCHAIN_OTEL_CONTENT_POLICY", "bogus");
    expect(() => instrumentation.setConfig({})).not.toThrow();
    expect(errors).toEqual([]);
    expect(instrumentation.getConfig()).not.toHaveProperty("contentPolicy");
    expect(inputsOfOneRun(instrumentation.handler)).toBe(REDACTED);
  });

  it("setConfig with a bad option never throws: a diag error, and the previous options stay", () => {
    const instrumentation = new LangChainInstrumentation({ contentPolicy: "full", enabled: false });
    expect(() => instrumentation.setConfig({ contentPolicy: "fulll" as never })).not.toThrow();
    expect(errors).toEqual(['@langchain-otel/instrumentation setConfig: option contentPolicy="fulll" is not one of: redacted, full, none; the previous options stay']);
    expect(instrumentation.getConfig()).toMatchObject({ contentPolicy: "full" });
    expect(inputsOfOneRun(instrumentation.handler)).toBe(FULL);
  });

  it("a bad option fails at construction, with the option named", () => {
    expect(() => new LangChainInstrumentation({ maxPayloadBytes: -1, enabled: false })).toThrow("option maxPayloadBytes=-1 is not a positive integer");
  });
});

describe("OpenTelemetryCallbackHandler settings", () => {
  it("configure never throws and never reads process.env after construction", () => {
    const handler = new OpenTelemetryCallbackHandler({ contentPolicy: "full" });
    vi.stubEnv("LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES", "lots");
    expect(() => handler.configure({ contentPolicy: "redacted" })).not.toThrow();
    expect(errors).toEqual([]);
    expect(inputsOfOneRun(handler)).toBe(REDACTED);
    expect(() => handler.configure({ runTtlMillis: 0 })).not.toThrow();
    expect(errors).toEqual(["@langchain-otel/instrumentation configure: option runTtlMillis=0 is not a positive integer; the previous options stay"]);
    expect(inputsOfOneRun(handler)).toBe(REDACTED);
  });
});

describe("envSnapshot", () => {
  it("copies the LANGCHAIN_OTEL_* and OTEL_* variables, frozen", () => {
    const snapshot = envSnapshot({ LANGCHAIN_OTEL_SPANS: "false", OTEL_SERVICE_NAME: "svc", HOME: "/root", PATH: "/bin" });
    expect(snapshot).toEqual({ LANGCHAIN_OTEL_SPANS: "false", OTEL_SERVICE_NAME: "svc" });
    expect(Object.isFrozen(snapshot)).toBe(true);
  });
});
