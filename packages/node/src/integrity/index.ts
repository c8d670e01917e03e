// SPDX-License-Identifier: Apache-2.0
export { ATTR_AUDIT_CHAIN, ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ, ATTR_SERVICE_INSTANCE_ID } from "./attributes.js";
export type {
  AuditSignal,
  CanonicalAttributes,
  CanonicalEvent,
  CanonicalLink,
  CanonicalLogRecord,
  CanonicalRecord,
  CanonicalResource,
  CanonicalScope,
  CanonicalSpan,
  TypedValue,
} from "./canonical.js";
export { CanonicalJsonText, canonicalJson, type CanonicalJsonValue } from "./canonical-json.js";
export { AuditChains, GENESIS_HASH, chainHash, type ChainLink } from "./chain.js";
export { canonicalLogRecord, canonicalResourceText, canonicalScopeText, canonicalSpan, settledResourceAttributes, typedValue } from "./from-sdk.js";
export {
  OtlpJsonShapeError,
  attributesFromOtlpJson,
  canonicalLogRecordFromOtlpJson,
  canonicalResourceFromOtlpJson,
  canonicalScopeFromOtlpJson,
  canonicalSpanFromOtlpJson,
  typedValueFromOtlpJson,
  type OtlpJsonRecordContext,
} from "./from-otlp-json.js";
export { instanceIdFromOtlpJson, instanceIdOf } from "./instance.js";
export { IntegrityLogRecordProcessor } from "./log-record-processor.js";
export { IntegritySpanProcessor } from "./span-processor.js";
export type {
  OtlpJsonAnyValue,
  OtlpJsonEvent,
  OtlpJsonKeyValue,
  OtlpJsonLink,
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
export {
  CHECKPOINT_SIGNATURE_CONTEXT,
  checkpointAttributes,
  checkpointFromAttributes,
  checkpointMessage,
  checkpointSignatureValid,
  signCheckpoint,
  type CheckpointFields,
  type CheckpointKind,
  type SignedCheckpoint,
} from "./checkpoint.js";
export {
  AuditCheckpointer,
  DEFAULT_CHECKPOINT_INTERVAL_MILLIS,
  DEFAULT_CHECKPOINT_RECORDS,
  type AuditCheckpointerOptions,
  type ChainId,
} from "./checkpointer.js";
export { generateSigningKeyPair, keyIdOf, signingKeyFromPem, verifyKeyFromPem, type SigningKey, type VerifyKey } from "./signing-key.js";
export type { IntegrityProcessorOptions } from "./chain-stamper.js";
