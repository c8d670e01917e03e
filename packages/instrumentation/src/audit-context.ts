// SPDX-License-Identifier: Apache-2.0
import { context, createContextKey, type Context } from "@opentelemetry/api";
import type { AuditContext, ContextKeys } from "./types.js";
import {
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_LANGCHAIN_APP_VERSION,
  ATTR_LANGCHAIN_PROMPT_NAME,
  ATTR_LANGCHAIN_PROMPT_VERSION,
  ATTR_SESSION_ID,
  ATTR_TENANT_ID,
  ATTR_USER_ID,
} from "./semconv.js";

/** Metadata keys that name the identity a run belongs to, in order of preference. */
export const DEFAULT_CONTEXT_KEYS: ContextKeys = {
  session: [ATTR_SESSION_ID, "session_id", "sessionId"],
  user: [ATTR_USER_ID, "user_id", "userId"],
  tenant: [ATTR_TENANT_ID, "tenant_id", "tenantId"],
  conversation: [ATTR_GEN_AI_CONVERSATION_ID, "conversation_id", "conversationId", "thread_id"],
  appVersion: ["app.version", "app_version", "appVersion"],
  promptName: ["prompt.name", "prompt_name", "promptName"],
  promptVersion: ["prompt.version", "prompt_version", "promptVersion"],
};

// Each audit context field: its metadata keys, its attribute, and its AuditContext property.
const FIELDS: ReadonlyArray<readonly [keyof ContextKeys, string, keyof AuditContext]> = [
  ["session", ATTR_SESSION_ID, "sessionId"],
  ["user", ATTR_USER_ID, "userId"],
  ["tenant", ATTR_TENANT_ID, "tenantId"],
  ["conversation", ATTR_GEN_AI_CONVERSATION_ID, "conversationId"],
  ["appVersion", ATTR_LANGCHAIN_APP_VERSION, "appVersion"],
  ["promptName", ATTR_LANGCHAIN_PROMPT_NAME, "promptName"],
  ["promptVersion", ATTR_LANGCHAIN_PROMPT_VERSION, "promptVersion"],
];

const AUDIT_CONTEXT_KEY = createContextKey("@langchain-otel/instrumentation audit context");

/** The audit context set by {@link withAuditContext} around the given (default: active) context. */
export function getAuditContext(ctx: Context = context.active()): AuditContext | undefined {
  return ctx.getValue(AUDIT_CONTEXT_KEY) as AuditContext | undefined;
}

/**
 * Runs `fn` with `audit` in the OpenTelemetry context: every LangChain run started inside (and its children)
 * carries it on its spans and audit records. Nested calls merge, the inner value winning per field.
 *
 * @example await withAuditContext({ sessionId: req.sessionId, userId: req.user.id }, () => agent.invoke(input))
 */
export function withAuditContext<T>(audit: AuditContext, fn: () => T): T {
  const merged = { ...getAuditContext(), ...audit };
  return context.with(context.active().setValue(AUDIT_CONTEXT_KEY, merged), fn);
}

function isPrimitiveId(value: unknown): value is string | number {
  return (typeof value === "string" && value !== "") || (typeof value === "number" && Number.isFinite(value));
}

/**
 * The identity attributes of a run: from its audit context, overridden by the first present metadata key of each
 * field (metadata is the more specific of the two).
 */
export function contextAttributes(
  metadata: Record<string, unknown>,
  keys: ContextKeys,
  audit: AuditContext | undefined,
): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const [field, attr, property] of FIELDS) {
    let value: unknown = audit?.[property];
    for (const key of keys[field]) {
      if (isPrimitiveId(metadata[key])) {
        value = metadata[key];
        break;
      }
    }
    if (isPrimitiveId(value)) attrs[attr] = String(value);
  }
  return attrs;
}
