export { ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ, ATTR_SERVICE_INSTANCE_ID } from "./attributes.js";
export type {
  AuditSignal,
  CanonicalAttributes,
  CanonicalEvent,
  CanonicalLogRecord,
  CanonicalRecord,
  CanonicalSpan,
  TypedValue,
} from "./canonical.js";
export { canonicalJson, type CanonicalJsonValue } from "./canonical-json.js";
export { AuditChains, GENESIS_HASH, chainHash, type ChainLink } from "./chain.js";
export { canonicalLogRecord, canonicalSpan, typedValue } from "./from-sdk.js";
export {
  OtlpJsonShapeError,
  attributesFromOtlpJson,
  canonicalLogRecordFromOtlpJson,
  canonicalSpanFromOtlpJson,
  typedValueFromOtlpJson,
} from "./from-otlp-json.js";
export { instanceIdFromOtlpJson, instanceIdOf } from "./instance.js";
export { IntegrityLogRecordProcessor } from "./log-record-processor.js";
export { IntegritySpanProcessor } from "./span-processor.js";
export type {
  OtlpJsonAnyValue,
  OtlpJsonEvent,
  OtlpJsonKeyValue,
  OtlpJsonLogRecord,
  OtlpJsonLogsRequest,
  OtlpJsonResource,
  OtlpJsonResourceLogs,
  OtlpJsonResourceSpans,
  OtlpJsonScope,
  OtlpJsonScopeLogs,
  OtlpJsonScopeSpans,
  OtlpJsonSpan,
  OtlpJsonTracesRequest,
} from "./otlp-json-types.js";
