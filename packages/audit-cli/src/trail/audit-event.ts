// SPDX-License-Identifier: Apache-2.0
import { ATTR_EVENT_NAME } from "@langchain-otel/instrumentation/semconv";
import type { LogItem } from "./reader.js";
import { attributeMap, stringAttr } from "./values.js";

/** The audit event of a record: its `event.name` attribute, else its `eventName` field. */
export function auditEventOf(item: LogItem, attributes = attributeMap(item.record.attributes)): string | undefined {
  const name = stringAttr(attributes, ATTR_EVENT_NAME);
  if (name !== undefined) return name;
  return typeof item.record.eventName === "string" && item.record.eventName !== "" ? item.record.eventName : undefined;
}
