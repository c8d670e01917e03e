// SPDX-License-Identifier: Apache-2.0
import { existsSync } from "node:fs";
import { detectResources, envDetector, hostDetector, osDetector, processDetector } from "@opentelemetry/resources";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { resourceDetectors, serviceInstanceId } from "../src/resource.js";

beforeEach(() => {
  vi.stubEnv("OTEL_RESOURCE_ATTRIBUTES", "");
  vi.stubEnv("OTEL_NODE_RESOURCE_DETECTORS", "");
});
afterEach(() => vi.unstubAllEnvs());

describe("serviceInstanceId", () => {
  it("is the option, else service.instance.id in OTEL_RESOURCE_ATTRIBUTES, else a random UUID", () => {
    vi.stubEnv("OTEL_RESOURCE_ATTRIBUTES", "service.name=a,service.instance.id=pod%2F7");
    expect(serviceInstanceId("from-option")).toBe("from-option");
    expect(serviceInstanceId(undefined)).toBe("pod/7");
    vi.stubEnv("OTEL_RESOURCE_ATTRIBUTES", "service.name=a");
    const id = serviceInstanceId(undefined);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(serviceInstanceId(undefined)).not.toBe(id);
  });
});

describe("resourceDetectors", () => {
  const pinnedLast = (detectors: ReturnType<typeof resourceDetectors>, id: string) =>
    detectors.at(-1)!.detect({}).attributes?.["service.instance.id"] === id;

  /** The attribute keys a list of detectors yields, in one sorted list. */
  const keysOf = (detectors: ReturnType<typeof resourceDetectors>) =>
    Object.keys(detectResources({ detectors }).attributes).sort();

  it("runs NodeSDK's default detectors (but its random instance ID) without process.command_args, then pins ours", () => {
    const detectors = resourceDetectors("i-1");
    const sdkKeys = keysOf([processDetector, hostDetector, osDetector, envDetector]);
    expect(sdkKeys).toContain("process.command_args");
    // host.id: the SDK reads it asynchronously (not among detectResources' settled keys); ours on Linux at once.
    const ours = keysOf(detectors.slice(0, -1));
    expect(ours.filter((key) => key !== "host.id")).toEqual(sdkKeys.filter((key) => key !== "process.command_args" && key !== "host.id"));
    expect(ours.includes("host.id")).toBe(process.platform === "linux" && ["/etc/machine-id", "/var/lib/dbus/machine-id"].some((f) => existsSync(f)));
    expect(pinnedLast(detectors, "i-1")).toBe(true);
  });

  it("follows OTEL_NODE_RESOURCE_DETECTORS", () => {
    vi.stubEnv("OTEL_NODE_RESOURCE_DETECTORS", "env,serviceinstance,os");
    expect(keysOf(resourceDetectors("i-1").slice(0, -1))).toEqual(keysOf([envDetector, osDetector]));
    vi.stubEnv("OTEL_NODE_RESOURCE_DETECTORS", "none");
    expect(resourceDetectors("i-1")).toHaveLength(1);
    vi.stubEnv("OTEL_NODE_RESOURCE_DETECTORS", "all");
    expect(resourceDetectors("i-1")).toHaveLength(5);
  });

  it("under a redact function, every detected string goes through it (OTEL_RESOURCE_ATTRIBUTES included)", () => {
    vi.stubEnv("OTEL_RESOURCE_ATTRIBUTES", "deployment.owner=maria.kowalska%40example.org");
    const redact = (text: string) => text.replace(/[\w.]+@example\.org/g, "[REDACTED:email]");
    const resource = detectResources({ detectors: resourceDetectors("ours", redact) });
    expect(resource.attributes["deployment.owner"]).toBe("[REDACTED:email]");
    expect(resource.attributes["process.command_args"]).toBeUndefined();
    expect(resource.attributes["service.instance.id"]).toBe("ours");
  });

  it("wins over a service.instance.id in OTEL_RESOURCE_ATTRIBUTES", () => {
    vi.stubEnv("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=from-env");
    const resource = detectResources({ detectors: resourceDetectors("ours") });
    expect(resource.attributes["service.instance.id"]).toBe("ours");
  });
});
