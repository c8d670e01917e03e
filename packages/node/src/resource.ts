// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { getStringListFromEnv } from "@opentelemetry/core";
import {
  envDetector,
  hostDetector,
  osDetector,
  processDetector,
  resourceAttributesEnvDetector,
  type ResourceDetector,
} from "@opentelemetry/resources";
import { diag } from "./diag.js";
import { ATTR_SERVICE_INSTANCE_ID } from "./integrity/attributes.js";

/**
 * The `service.instance.id` of this process: the option, else the one in `OTEL_RESOURCE_ATTRIBUTES` (read as the
 * SDK reads it), else a random UUID. It names the process's audit chains and its spool files, so it is chosen
 * once, here, and pinned on the resource by {@link resourceDetectors}.
 */
export function serviceInstanceId(option: string | undefined): string {
  if (option !== undefined) return option;
  const fromEnv = resourceAttributesEnvDetector.detect().attributes?.[ATTR_SERVICE_INSTANCE_ID];
  return typeof fromEnv === "string" && fromEnv !== "" ? fromEnv : randomUUID();
}

/** The resource attribute the host detector reads asynchronously (OpenTelemetry's `host.id`). */
const ATTR_HOST_ID = "host.id";
/** Where Linux keeps the machine ID, in the order the SDK's host detector reads them. */
const MACHINE_ID_FILES = ["/etc/machine-id", "/var/lib/dbus/machine-id"];

function linuxMachineId(): string | undefined {
  for (const file of MACHINE_ID_FILES) {
    try {
      const id = readFileSync(file, "utf8").trim();
      if (id !== "") return id;
    } catch {
      // Not there: the next one.
    }
  }
  return undefined;
}

/**
 * The SDK's host detector, with `host.id` read synchronously on Linux (the same files, a few bytes once at start).
 * The SDK reads it asynchronously, and until it has, every span and record waits unstamped for the resource to
 * settle, outside the journal and the export queue: in a loop that never yields to the event loop that is
 * forever, and a SIGKILL lost all of them even with the journal on. Elsewhere, and when no file has it, the SDK's
 * asynchronous read stays.
 */
const syncHostDetector: ResourceDetector = {
  detect: (config) => {
    const detected = hostDetector.detect(config);
    const id = process.platform === "linux" ? linuxMachineId() : undefined;
    const pending = detected.attributes?.[ATTR_HOST_ID];
    if (id === undefined || !(pending instanceof Promise)) return detected;
    // The SDK's read, already started, is not waited for.
    pending.catch(() => {});
    return { ...detected, attributes: { ...detected.attributes, [ATTR_HOST_ID]: id } };
  },
};

// NodeSDK 0.301's names for OTEL_NODE_RESOURCE_DETECTORS. Its "serviceinstance" detector (a random UUID of its
// own) is left out: the instance ID is ours to choose.
const DETECTORS_BY_NAME: ReadonlyMap<string, ResourceDetector | undefined> = new Map([
  ["env", envDetector],
  ["host", syncHostDetector],
  ["os", osDetector],
  ["process", processDetector],
  ["serviceinstance", undefined],
]);

/** The resource attribute holding the process's command-line arguments (`--api-key=sk-…` would be in every batch). */
export const ATTR_PROCESS_COMMAND_ARGS = "process.command_args";

type Redact = (text: string) => string;

/** A detector's attributes without `process.command_args`, and under `redact` when given (policy `redacted`). */
function guarded(detector: ResourceDetector, redact: Redact | undefined): ResourceDetector {
  return {
    detect: (config) => {
      const detected = detector.detect(config);
      const attributes = detected.attributes;
      if (attributes === undefined) return detected;
      const out: typeof attributes = {};
      for (const [key, value] of Object.entries(attributes)) {
        if (key === ATTR_PROCESS_COMMAND_ARGS) continue;
        if (redact === undefined) out[key] = value;
        else if (value instanceof Promise) out[key] = value.then((v: unknown) => redactValue(v, redact));
        else out[key] = redactValue(value, redact) as typeof value;
      }
      return { ...detected, attributes: out };
    },
  };
}

function redactValue(value: unknown, redact: Redact): unknown {
  if (typeof value === "string") return redact(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === "string" ? redact(item) : item));
  return value;
}

/**
 * The resource detectors NodeSDK would run (its default list, or the one `OTEL_NODE_RESOURCE_DETECTORS` names),
 * followed by one that sets `service.instance.id` to `instanceId`. `process.command_args` is always left out (a
 * secret passed on the command line would be in every batch; `process.command` and `process.executable.*` name the
 * program); under policy `redacted`, `redact` rewrites every detected string (OTEL_RESOURCE_ATTRIBUTES included). Detected attributes win over the SDK's
 * `resource` option, and the last detector wins over the others, so the resource carries exactly `instanceId`.
 */
export function resourceDetectors(instanceId: string, redact?: Redact): ResourceDetector[] {
  const pinned: ResourceDetector = { detect: () => ({ attributes: { [ATTR_SERVICE_INSTANCE_ID]: instanceId } }) };
  const names = getStringListFromEnv("OTEL_NODE_RESOURCE_DETECTORS") ?? ["all"];
  if (names.includes("none")) return [pinned];
  if (names.includes("all")) return [...[processDetector, syncHostDetector, osDetector, envDetector].map((d) => guarded(d, redact)), pinned];
  const detectors: ResourceDetector[] = [];
  for (const name of names) {
    if (!DETECTORS_BY_NAME.has(name)) {
      diag.warn(`Invalid resource detector "${name}" specified in the environment variable OTEL_NODE_RESOURCE_DETECTORS`);
      continue;
    }
    const detector = DETECTORS_BY_NAME.get(name);
    if (detector !== undefined) detectors.push(guarded(detector, redact));
  }
  return [...detectors, pinned];
}
