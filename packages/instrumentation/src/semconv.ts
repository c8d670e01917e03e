// SPDX-License-Identifier: Apache-2.0
/**
 * Every attribute and event name langchain-otel writes, in one place: the instrumentation's spans and audit
 * records, the distro's integrity fields and checkpoints, and what the audit CLI reads back. The CLI imports this
 * module (`@langchain-otel/instrumentation/semconv`, which loads nothing else), so a writer and its verifier
 * cannot drift apart.
 * The GenAI conventions live in their own repository since core semconv v1.41.0:
 * https://github.com/open-telemetry/semantic-conventions-genai (spans: docs/gen-ai/gen-ai-spans.md,
 * metrics: docs/gen-ai/gen-ai-metrics.md, attributes: docs/registry/attributes/gen-ai.md).
 * Stable names (error.type, exception.*, service.instance.id) come from @opentelemetry/semantic-conventions in
 * the SDK; the instrumentation depends on the API only, so it spells the few it uses here too.
 */

/**
 * The GenAI semantic-conventions version this package follows. Only its current attribute names are emitted
 * (`gen_ai.provider.name`, never the older `gen_ai.system`), whatever `OTEL_SEMCONV_STABILITY_OPT_IN` says.
 */
export const GEN_AI_SEMCONV_VERSION = "1.42.0";
/** The schema URL of {@link GEN_AI_SEMCONV_VERSION}. */
export const GEN_AI_SCHEMA_URL = `https://opentelemetry.io/schemas/gen-ai/${GEN_AI_SEMCONV_VERSION}`;

// https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/registry/attributes/gen-ai.md
export const ATTR_GEN_AI_OPERATION_NAME = "gen_ai.operation.name";
export const ATTR_GEN_AI_PROVIDER_NAME = "gen_ai.provider.name";
export const ATTR_GEN_AI_REQUEST_MODEL = "gen_ai.request.model";
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = "gen_ai.request.temperature";
export const ATTR_GEN_AI_REQUEST_TOP_P = "gen_ai.request.top_p";
export const ATTR_GEN_AI_REQUEST_TOP_K = "gen_ai.request.top_k";
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY = "gen_ai.request.frequency_penalty";
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY = "gen_ai.request.presence_penalty";
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES = "gen_ai.request.stop_sequences";
export const ATTR_GEN_AI_REQUEST_SEED = "gen_ai.request.seed";
export const ATTR_GEN_AI_RESPONSE_MODEL = "gen_ai.response.model";
export const ATTR_GEN_AI_RESPONSE_ID = "gen_ai.response.id";
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS = "gen_ai.usage.cache_read.input_tokens";
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS = "gen_ai.usage.cache_creation.input_tokens";
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS = "gen_ai.usage.reasoning.output_tokens";
/** Not in the GenAI conventions yet: the call's price in USD, from the pricing table (see pricing.ts). */
export const ATTR_GEN_AI_USAGE_COST = "gen_ai.usage.cost";
/** `input` or `output`, on `gen_ai.client.token.usage`. */
export const ATTR_GEN_AI_TOKEN_TYPE = "gen_ai.token.type";
export const GEN_AI_TOKEN_TYPE_INPUT = "input";
export const GEN_AI_TOKEN_TYPE_OUTPUT = "output";
export const ATTR_GEN_AI_INPUT_MESSAGES = "gen_ai.input.messages";
export const ATTR_GEN_AI_OUTPUT_MESSAGES = "gen_ai.output.messages";
export const ATTR_GEN_AI_TOOL_NAME = "gen_ai.tool.name";
export const ATTR_GEN_AI_TOOL_CALL_ID = "gen_ai.tool.call.id";
export const ATTR_GEN_AI_TOOL_DESCRIPTION = "gen_ai.tool.description";
export const ATTR_GEN_AI_TOOL_TYPE = "gen_ai.tool.type";
export const ATTR_GEN_AI_TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";
export const ATTR_GEN_AI_TOOL_CALL_RESULT = "gen_ai.tool.call.result";
export const ATTR_GEN_AI_AGENT_NAME = "gen_ai.agent.name";
export const ATTR_GEN_AI_CONVERSATION_ID = "gen_ai.conversation.id";
export const ATTR_GEN_AI_DATA_SOURCE_ID = "gen_ai.data_source.id";
export const ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT = "gen_ai.retrieval.query.text";
export const ATTR_GEN_AI_RETRIEVAL_DOCUMENTS = "gen_ai.retrieval.documents";

// gen_ai.operation.name values
export const GEN_AI_OPERATION_CHAT = "chat";
export const GEN_AI_OPERATION_TEXT_COMPLETION = "text_completion";
export const GEN_AI_OPERATION_EXECUTE_TOOL = "execute_tool";
export const GEN_AI_OPERATION_INVOKE_AGENT = "invoke_agent";
export const GEN_AI_OPERATION_INVOKE_WORKFLOW = "invoke_workflow";
export const GEN_AI_OPERATION_RETRIEVAL = "retrieval";

// Stable: https://opentelemetry.io/docs/specs/semconv/registry/attributes/error/
export const ATTR_ERROR_TYPE = "error.type";
// Stable: https://opentelemetry.io/docs/specs/semconv/registry/attributes/exception/
export const ATTR_EXCEPTION_TYPE = "exception.type";
export const ATTR_EXCEPTION_STACKTRACE = "exception.stacktrace";
/** The span event of an error (stable name, from the trace API's `recordException`). */
export const EVENT_EXCEPTION = "exception";
// Stable: https://opentelemetry.io/docs/specs/semconv/registry/attributes/server/
export const ATTR_SERVER_ADDRESS = "server.address";
export const ATTR_SERVER_PORT = "server.port";
// https://opentelemetry.io/docs/specs/semconv/registry/attributes/session/
export const ATTR_SESSION_ID = "session.id";
// https://opentelemetry.io/docs/specs/semconv/registry/attributes/user/
export const ATTR_USER_ID = "user.id";
/** Not in semconv yet: the tenant a multi-tenant app served. */
export const ATTR_TENANT_ID = "tenant.id";
/** The app's own version for this run (a per-run complement of the resource's service.version). */
export const ATTR_LANGCHAIN_APP_VERSION = "langchain.app.version";
/** The prompt (template) name and version a run used, for prompt-version audits. */
export const ATTR_LANGCHAIN_PROMPT_NAME = "langchain.prompt.name";
export const ATTR_LANGCHAIN_PROMPT_VERSION = "langchain.prompt.version";

// Streaming milestone, as the metric gen_ai.client.operation.time_to_first_chunk measures it.
export const ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK = "gen_ai.response.time_to_first_chunk";

// langchain.* — ours.
export const ATTR_LANGCHAIN_RUN_ID = "langchain.run_id";
export const ATTR_LANGCHAIN_PARENT_RUN_ID = "langchain.parent_run_id";
export const ATTR_LANGCHAIN_RUN_TYPE = "langchain.run_type";
export const ATTR_LANGCHAIN_RUN_NAME = "langchain.run_name";
export const ATTR_LANGCHAIN_TAGS = "langchain.tags";
export const ATTR_LANGCHAIN_METADATA_PREFIX = "langchain.metadata.";
export const ATTR_LANGCHAIN_INPUTS = "langchain.inputs";
export const ATTR_LANGCHAIN_OUTPUTS = "langchain.outputs";
export const ATTR_LANGCHAIN_SERIALIZED_ID = "langchain.serialized.id";
export const ATTR_LANGCHAIN_STREAM_CHUNKS = "langchain.stream.chunks";
export const ATTR_LANGCHAIN_RETRIEVER_DOCUMENT_COUNT = "langchain.retriever.document_count";
/** The model answer came from LangChain's cache, not the provider. */
export const ATTR_LANGCHAIN_CACHE_HIT = "langchain.cache_hit";
export const ATTR_LANGCHAIN_LANGGRAPH_NODE = "langchain.langgraph.node";
export const ATTR_LANGCHAIN_LANGGRAPH_STEP = "langchain.langgraph.step";
export const ATTR_LANGCHAIN_LANGGRAPH_CHECKPOINT_NS = "langchain.langgraph.checkpoint_ns";
/** `langchain.redactions.<kind>`: how many values a detector or rule replaced in this span or record. */
export const ATTR_LANGCHAIN_REDACTIONS_PREFIX = "langchain.redactions.";
/** Suffixes for a payload attribute `X`: `X.size_bytes`, `X.sha256`, `X.truncated`. */
export const PAYLOAD_SIZE_SUFFIX = ".size_bytes";
export const PAYLOAD_SHA256_SUFFIX = ".sha256";
export const PAYLOAD_TRUNCATED_SUFFIX = ".truncated";

// Span events.
export const EVENT_AGENT_ACTION = "langchain.agent.action";
export const EVENT_AGENT_FINISH = "langchain.agent.finish";
export const EVENT_CUSTOM = "langchain.custom_event";
export const EVENT_FIRST_CHUNK = "gen_ai.first_chunk";
/** LangGraph control flow (interrupts, parent commands) thrown through a run: not an error. */
export const EVENT_INTERRUPT = "langchain.interrupt";

// Audit records: one log record per run start / end / error.
// https://opentelemetry.io/docs/specs/semconv/general/events/ (event.name)
export const ATTR_EVENT_NAME = "event.name";
export const EVENT_RUN_START = "langchain.run.start";
export const EVENT_RUN_END = "langchain.run.end";
export const EVENT_RUN_ERROR = "langchain.run.error";
/** `ok`, `error`, or `interrupted` (LangGraph control flow). */
export const ATTR_LANGCHAIN_STATUS = "langchain.status";
export const ATTR_LANGCHAIN_DURATION_MS = "langchain.duration_ms";
/** On an error record and the exception event: the error message (content policy `full` only). */
export const ATTR_EXCEPTION_MESSAGE = "exception.message";

// Span event attributes: agent steps and custom events (payloads under the content policy).
export const ATTR_LANGCHAIN_AGENT_TOOL_INPUT = "langchain.agent.tool_input";
export const ATTR_LANGCHAIN_AGENT_LOG = "langchain.agent.log";
export const ATTR_LANGCHAIN_AGENT_RETURN_VALUES = "langchain.agent.return_values";
export const ATTR_LANGCHAIN_CUSTOM_EVENT_NAME = "langchain.custom_event.name";
export const ATTR_LANGCHAIN_CUSTOM_EVENT_DATA = "langchain.custom_event.data";
/** The class of a LangGraph control-flow signal (`GraphInterrupt`, `ParentCommand`) that ended a run. */
export const ATTR_LANGCHAIN_SIGNAL = "langchain.signal";
/** Why a run was ended as `RunAbandoned` (its root ended first, the TTL, shutdown). */
export const ATTR_LANGCHAIN_ABANDON_REASON = "langchain.abandon_reason";
/** `error.type` of a run that never ended and was closed for it. */
export const ERROR_TYPE_RUN_ABANDONED = "RunAbandoned";
/**
 * How the process ended while a run was still open (the run then ends as ERROR): one of {@link EXIT_REASONS}.
 * Its `error.type` says what ended it: the uncaught error's class, the signal's name (`SIGTERM`), or
 * {@link ERROR_TYPE_PROCESS_EXIT}.
 */
export const ATTR_LANGCHAIN_EXIT_REASON = "langchain.exit.reason";
/** `process.exit()` from anywhere, or the app running out of work. */
export const EXIT_REASON_EXIT = "exit";
export const EXIT_REASON_UNCAUGHT_EXCEPTION = "uncaught_exception";
export const EXIT_REASON_UNHANDLED_REJECTION = "unhandled_rejection";
/** SIGTERM, SIGINT or SIGHUP. */
export const EXIT_REASON_SIGNAL = "signal";
/** The values of {@link ATTR_LANGCHAIN_EXIT_REASON}. */
export const EXIT_REASONS = [EXIT_REASON_EXIT, EXIT_REASON_UNCAUGHT_EXCEPTION, EXIT_REASON_UNHANDLED_REJECTION, EXIT_REASON_SIGNAL] as const;
/** `error.type` of a run open when the process exited (`process.exit()`, or no work left). */
export const ERROR_TYPE_PROCESS_EXIT = "ProcessExit";

// Integrity (the distro stamps these; packages/node/src/integrity/README.md is their specification).
// https://opentelemetry.io/docs/specs/semconv/registry/attributes/service/ (stable)
/** Resource attribute naming the process instance; with `audit.chain` it names a record's chain. */
export const ATTR_SERVICE_INSTANCE_ID = "service.instance.id";
/** Position of a record in its chain: an integer from 1, per chain and signal, without gaps. */
export const ATTR_AUDIT_SEQ = "audit.seq";
/** Lower-case hex SHA-256 linking a record to its predecessor in the chain. */
export const ATTR_AUDIT_HASH = "audit.hash";
/**
 * A random UUID per process, on every record: with `service.instance.id` it names the record's chain, so a restart
 * or a replica with a fixed instance ID starts a chain of its own.
 */
export const ATTR_AUDIT_CHAIN = "audit.chain";

// Loss records: what the process could not write, written into the trail itself so the verifier reports it.
/** `event.name` of a loss record (a log record; a span of that name when audit records are off). */
export const EVENT_AUDIT_LOSS = "langchain.audit.loss";
/** The signal of the chain that lost records: `traces` or `logs`. */
export const ATTR_AUDIT_LOSS_SIGNAL = "audit.loss.signal";
/** How many records were lost. */
export const ATTR_AUDIT_LOSS_COUNT = "audit.loss.count";
/** The first and last `audit.seq` lost (a contiguous range of that chain). */
export const ATTR_AUDIT_LOSS_FIRST_SEQ = "audit.loss.first_seq";
export const ATTR_AUDIT_LOSS_LAST_SEQ = "audit.loss.last_seq";
/** Why: `queue_full` (drop mode), `write_failed` (audit file or spool not writable, disk full), `spool_full`. */
export const ATTR_AUDIT_LOSS_REASON = "audit.loss.reason";

/** The finish reasons as the provider spelled them, beside `gen_ai.response.finish_reasons` in the schema's terms. */
export const ATTR_LANGCHAIN_RESPONSE_FINISH_REASONS_RAW = "langchain.response.finish_reasons.raw";

// https://opentelemetry.io/docs/specs/semconv/registry/attributes/openai/
export const ATTR_OPENAI_RESPONSE_SERVICE_TIER = "openai.response.service_tier";
export const ATTR_OPENAI_RESPONSE_SYSTEM_FINGERPRINT = "openai.response.system_fingerprint";

// Signed checkpoints: a log record per chain every N records and T ms, and a final seal at exit (see the
// integrity README of @langchain-otel/node). Every attribute below is covered by the checkpoint's signature.
/** `event.name` of a checkpoint (and seal) record. */
export const EVENT_AUDIT_CHECKPOINT = "audit.checkpoint";
/** Signal of the chain the checkpoint covers: `traces` or `logs`. */
export const ATTR_AUDIT_CHECKPOINT_SIGNAL = "audit.checkpoint.signal";
/** `audit.chain` of the chain the checkpoint covers ("" for a process without one). */
export const ATTR_AUDIT_CHECKPOINT_CHAIN = "audit.checkpoint.chain";
/** Position of the checkpoint in its chain's checkpoints: 1, 2, 3, … */
export const ATTR_AUDIT_CHECKPOINT_INDEX = "audit.checkpoint.index";
/** First `audit.seq` the checkpoint covers (the previous checkpoint's last + 1). */
export const ATTR_AUDIT_CHECKPOINT_FIRST_SEQ = "audit.checkpoint.first_seq";
/** Last `audit.seq` the checkpoint covers: the chain's head when it was signed. */
export const ATTR_AUDIT_CHECKPOINT_LAST_SEQ = "audit.checkpoint.last_seq";
/** `audit.hash` of the record at the last seq. */
export const ATTR_AUDIT_CHECKPOINT_HEAD = "audit.checkpoint.head";
/** Signature of the chain's previous checkpoint ("" for the first), so checkpoints chain too. */
export const ATTR_AUDIT_CHECKPOINT_PREV = "audit.checkpoint.prev";
/** `checkpoint`, or `seal` for the last one, written when the process ends. */
export const ATTR_AUDIT_CHECKPOINT_KIND = "audit.checkpoint.kind";
/** Key ID of the signing key: the first 16 hex digits of the SHA-256 of its public key (SPKI DER). */
export const ATTR_AUDIT_CHECKPOINT_KEY_ID = "audit.checkpoint.key_id";
/** When the checkpoint was signed, ISO 8601 UTC to the millisecond. */
export const ATTR_AUDIT_CHECKPOINT_TIME = "audit.checkpoint.time";
/** Ed25519 signature (base64) over the canonical form of the checkpoint. */
export const ATTR_AUDIT_CHECKPOINT_SIGNATURE = "audit.checkpoint.signature";
/** `audit.checkpoint.kind` values. */
export const AUDIT_CHECKPOINT_KIND_CHECKPOINT = "checkpoint";
export const AUDIT_CHECKPOINT_KIND_SEAL = "seal";

// Metrics. GenAI client histograms:
// https://github.com/open-telemetry/semantic-conventions-genai/blob/main/docs/gen-ai/gen-ai-metrics.md
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";
export const METRIC_GEN_AI_CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration";
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";
export const METRIC_GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK = "gen_ai.client.operation.time_per_output_chunk";
/** The spec's explicit bucket boundaries of `gen_ai.client.token.usage` ({token}). */
export const GEN_AI_TOKEN_USAGE_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
/** The spec's explicit bucket boundaries of the GenAI client duration histograms (s). */
export const GEN_AI_DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];
// Ours.
/** Counter: runs ended, by `langchain.run_type`, `langchain.status` and (failed runs) `error.type`. */
export const METRIC_LANGCHAIN_RUNS = "langchain.runs";
/** Counter: values replaced by redaction, by `langchain.redaction.kind`. */
export const METRIC_LANGCHAIN_REDACTIONS = "langchain.redactions";
/** Counter: USD spent on model calls with a known price, by provider and model. */
export const METRIC_LANGCHAIN_GEN_AI_COST = "langchain.gen_ai.cost";
export const ATTR_LANGCHAIN_REDACTION_KIND = "langchain.redaction.kind";
