// SPDX-License-Identifier: Apache-2.0
/** The span ID of a run: the low 64 bits (last 16 hex digits) of its UUID. */
export function spanIdOfRun(runId: string): string {
  return runId.replaceAll("-", "").slice(-16).toLowerCase();
}

/** The trace ID of a root run started outside any span, and its Jaeger URL key: the UUID as 32 hex digits. */
export function traceIdOfRun(runId: string): string {
  return runId.replaceAll("-", "").toLowerCase();
}
