// SPDX-License-Identifier: Apache-2.0
import type { Resource } from "@opentelemetry/resources";
import { ATTR_SERVICE_INSTANCE_ID } from "./attributes.js";
import { canonicalJson } from "./canonical-json.js";
import { settledResourceAttributes, typedValue } from "./from-sdk.js";
import { typedValueFromOtlpJson } from "./from-otlp-json.js";
import type { TypedValue } from "./canonical.js";
import type { OtlpJsonResource } from "./otlp-json-types.js";

function instanceKey(value: TypedValue): string {
  if (value === null) return "";
  return "s" in value ? value.s : canonicalJson(value);
}

/**
 * The instance a record's chain belongs to: the resource's `service.instance.id` (a string as is, any other value
 * as the canonical JSON of its typed value), or "" when the resource has none. Read as the exporter will write it
 * ({@link settledResourceAttributes}).
 */
export function instanceIdOf(resource: Resource): string {
  return instanceKey(typedValue(settledResourceAttributes(resource)[ATTR_SERVICE_INSTANCE_ID]));
}

/** {@link instanceIdOf} for a resource read from an OTLP/JSON file (the last `service.instance.id` entry wins). */
export function instanceIdFromOtlpJson(resource: OtlpJsonResource | undefined): string {
  const attributes = resource?.attributes;
  if (!Array.isArray(attributes)) return "";
  for (let i = attributes.length - 1; i >= 0; i--) {
    const entry = attributes[i];
    if (entry?.key === ATTR_SERVICE_INSTANCE_ID) return instanceKey(typedValueFromOtlpJson(entry.value));
  }
  return "";
}
