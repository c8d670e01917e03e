// SPDX-License-Identifier: Apache-2.0
/**
 * The attributes the integrity processors write and the verifier reads. Their one source is the
 * instrumentation's `semconv.ts`; this module re-exports them for `@langchain-otel/node/integrity`.
 */
export { ATTR_AUDIT_CHAIN, ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ, ATTR_SERVICE_INSTANCE_ID } from "@langchain-otel/instrumentation/semconv";
