// SPDX-License-Identifier: Apache-2.0
export { main, MAIN_HELP } from "./cli.js";
export type { CommandIo } from "./output.js";
export { verifyTrail } from "./verify/verify-trail.js";
export type { MalformedEntry, VerifyOptions, VerifyReport } from "./verify/verify-trail.js";
export { expandPaths } from "./trail/paths.js";
export type { TrailFile } from "./trail/paths.js";
export type { ChainReport, RecordProblem } from "./verify/chain-verifier.js";
export type { UnmatchedStart } from "./verify/open-runs.js";
export type { SessionRow } from "./commands/sessions.js";
export { EXPORT_FIELDS } from "./commands/export.js";
export { collectTrailView, DEFAULT_MAX_RUNS } from "./report/collect.js";
export type { CollectOptions } from "./report/collect.js";
export { renderPage } from "./report/page.js";
export type { PageOptions } from "./report/page.js";
export { startTrailServer } from "./report/server.js";
export type { TrailServer, TrailServerOptions } from "./report/server.js";
export type {
  EventView,
  LossView,
  PayloadView,
  RecordRef,
  RunStatus,
  RunView,
  Selection,
  SessionView,
  Totals,
  TraceView,
  TrailView,
} from "./report/model.js";
