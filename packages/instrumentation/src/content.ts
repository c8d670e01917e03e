import { hash } from "node:crypto";
import type { AttributeValue } from "@opentelemetry/api";
import type { ResolvedTracingOptions } from "./options.js";
import { serializePayload, type JsonSafe } from "./serialize.js";
import { ATTR_LANGCHAIN_REDACTIONS_PREFIX, PAYLOAD_SHA256_SUFFIX, PAYLOAD_SIZE_SUFFIX, PAYLOAD_TRUNCATED_SUFFIX } from "./semconv.js";

type Attrs = Record<string, AttributeValue>;
type ContentOptions = Pick<ResolvedTracingOptions, "contentPolicy" | "maxPayloadBytes" | "redactor">;

/**
 * The redaction step of the `redacted` policy for one span or record: rewrites a JSON-safe value and counts,
 * in `attrs`, how many values each detector or rule replaced (`langchain.redactions.<kind>`).
 * Undefined under `full` and `none`.
 */
export function redactionFor(attrs: Attrs, options: ContentOptions): ((safe: JsonSafe) => JsonSafe) | undefined {
  const redactor = options.redactor;
  if (redactor === undefined) return undefined;
  return (safe) => {
    const result = typeof safe === "string" ? redactor.redactString(safe) : redactor.redactTree(safe);
    for (const kind of Object.keys(result.counts)) {
      const key = ATTR_LANGCHAIN_REDACTIONS_PREFIX + kind;
      attrs[key] = ((attrs[key] as number | undefined) ?? 0) + result.counts[kind]!;
    }
    return result.value;
  };
}

/** A string through the redaction step, or as is when there is none. */
export function redactText(text: string, redact: ((safe: JsonSafe) => JsonSafe) | undefined): string {
  return redact === undefined ? text : String(redact(text));
}

/**
 * Puts one payload on `attrs` under `key` according to the content policy:
 * `full` → the serialized text (plus `.truncated`, `.size_bytes`, `.sha256` when it was cut);
 * `redacted` → the same, of the redacted value, with the redaction counts;
 * `none` → only `.size_bytes` and `.sha256` of the full serialized value.
 */
export function putPayload(attrs: Attrs, key: string, value: unknown, options: ContentOptions): void {
  if (value === undefined) return;
  if (options.contentPolicy === "none") {
    // The whole canonical text, never cut, only measured and hashed.
    const whole = serializePayload(value, Number.MAX_SAFE_INTEGER);
    attrs[key + PAYLOAD_SIZE_SUFFIX] = whole.originalBytes;
    attrs[key + PAYLOAD_SHA256_SUFFIX] = hash("sha256", whole.text, "hex");
    return;
  }
  const payload = serializePayload(value, options.maxPayloadBytes, redactionFor(attrs, options));
  attrs[key] = payload.text;
  if (payload.truncated) {
    attrs[key + PAYLOAD_TRUNCATED_SUFFIX] = true;
    attrs[key + PAYLOAD_SIZE_SUFFIX] = payload.originalBytes;
    if (payload.sha256 !== undefined) attrs[key + PAYLOAD_SHA256_SUFFIX] = payload.sha256;
  }
}
