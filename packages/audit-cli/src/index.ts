export { main, MAIN_HELP } from "./cli.js";
export type { CommandIo } from "./output.js";
export type { VerifyReport } from "./commands/verify.js";
export type { ChainReport, RecordProblem } from "./verify/chain-verifier.js";
export type { UnmatchedStart } from "./verify/run-tracker.js";
export type { SessionRow } from "./commands/sessions.js";
export { EXPORT_FIELDS } from "./commands/export.js";
