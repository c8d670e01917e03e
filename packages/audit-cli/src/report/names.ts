// SPDX-License-Identifier: Apache-2.0
/**
 * The attribute and event names the report reads, in one place. They are the instrumentation's semconv names
 * (packages/instrumentation/src/semconv.ts); test/report/names.test.ts pins each one to it.
 */

export const ATTR_RUN_ID = "langchain.run_id";
export const ATTR_PARENT_RUN_ID = "langchain.parent_run_id";
export const ATTR_RUN_TYPE = "langchain.run_type";
export const ATTR_RUN_NAME = "langchain.run_name";
export const ATTR_SESSION_ID = "session.id";
export const ATTR_USER_ID = "user.id";
export const ATTR_TENANT_ID = "tenant.id";
export const ATTR_REQUEST_MODEL = "gen_ai.request.model";
export const ATTR_RESPONSE_MODEL = "gen_ai.response.model";
export const ATTR_INPUT_TOKENS = "gen_ai.usage.input_tokens";
export const ATTR_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
/** USD, on chat and LLM spans and records when the model's price is known (issue 12). */
export const ATTR_COST = "gen_ai.usage.cost";
export const ATTR_ERROR_TYPE = "error.type";
export const ATTR_EVENT_NAME = "event.name";
/** ok, error or interrupted, on end and error records. */
export const ATTR_STATUS = "langchain.status";
export const ATTR_REDACTIONS_PREFIX = "langchain.redactions.";
export const ATTR_SERVICE_NAME = "service.name";

/** Payload attributes, inputs before outputs; each may come with the companions below. */
export const PAYLOAD_KEYS = [
  "langchain.inputs",
  "gen_ai.input.messages",
  "gen_ai.tool.call.arguments",
  "gen_ai.retrieval.query.text",
  "langchain.outputs",
  "gen_ai.output.messages",
  "gen_ai.tool.call.result",
  "gen_ai.retrieval.documents",
] as const;
export const PAYLOAD_SIZE_SUFFIX = ".size_bytes";
export const PAYLOAD_SHA256_SUFFIX = ".sha256";
export const PAYLOAD_TRUNCATED_SUFFIX = ".truncated";

export const EVENT_RUN_START = "langchain.run.start";
export const EVENT_RUN_END = "langchain.run.end";
export const EVENT_RUN_ERROR = "langchain.run.error";
export const EVENT_INTERRUPT = "langchain.interrupt";
/** A record of spans or records the process could not write (issue 8): shown as a loud row. */
export const EVENT_AUDIT_LOSS = "langchain.audit.loss";
/** A signed checkpoint of a chain (issue 10). */
export const EVENT_AUDIT_CHECKPOINT = "audit.checkpoint";
