import { randomUUID } from "node:crypto";
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

// NodeSDK 0.301's names for OTEL_NODE_RESOURCE_DETECTORS. Its "serviceinstance" detector (a random UUID of its
// own) is left out: the instance ID is ours to choose.
const DETECTORS_BY_NAME: ReadonlyMap<string, ResourceDetector | undefined> = new Map([
  ["env", envDetector],
  ["host", hostDetector],
  ["os", osDetector],
  ["process", processDetector],
  ["serviceinstance", undefined],
]);

/**
 * The resource detectors NodeSDK would run (its default list, or the one `OTEL_NODE_RESOURCE_DETECTORS` names),
 * followed by one that sets `service.instance.id` to `instanceId`. Detected attributes win over the SDK's
 * `resource` option, and the last detector wins over the others, so the resource carries exactly `instanceId`.
 */
export function resourceDetectors(instanceId: string): ResourceDetector[] {
  const pinned: ResourceDetector = { detect: () => ({ attributes: { [ATTR_SERVICE_INSTANCE_ID]: instanceId } }) };
  const names = getStringListFromEnv("OTEL_NODE_RESOURCE_DETECTORS") ?? ["all"];
  if (names.includes("none")) return [pinned];
  if (names.includes("all")) return [processDetector, hostDetector, osDetector, envDetector, pinned];
  const detectors: ResourceDetector[] = [];
  for (const name of names) {
    if (!DETECTORS_BY_NAME.has(name)) {
      diag.warn(`Invalid resource detector "${name}" specified in the environment variable OTEL_NODE_RESOURCE_DETECTORS`);
      continue;
    }
    const detector = DETECTORS_BY_NAME.get(name);
    if (detector !== undefined) detectors.push(detector);
  }
  return [...detectors, pinned];
}
