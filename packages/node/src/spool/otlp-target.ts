// SPDX-License-Identifier: Apache-2.0
/**
 * Where a signal's batches go, resolved once from the options and the environment and given both to its OTLP/HTTP
 * sender and to its spool's replayer, so that the two send to the same place with the same headers.
 */
export interface OtlpTarget {
  /** Full URL, e.g. `http://collector:4318/v1/traces`. */
  url: string;
  /** Extra request headers (`OTEL_EXPORTER_OTLP_HEADERS` and the signal's own). */
  headers: Readonly<Record<string, string>>;
  /** How long one request may take, from connecting to the last byte of the answer. */
  timeoutMillis: number;
  /** `gzip` to compress request bodies (`OTEL_EXPORTER_OTLP_COMPRESSION`). */
  compression?: "gzip" | "none";
  /** PEM contents of `OTEL_EXPORTER_OTLP_CERTIFICATE`, `_CLIENT_CERTIFICATE`, `_CLIENT_KEY` (read at startup). */
  tls?: { ca?: string; cert?: string; key?: string };
}
