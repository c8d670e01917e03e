// SPDX-License-Identifier: Apache-2.0
// Shared with @langchain-otel/node, not part of the public API: `@langchain-otel/instrumentation/internal`.
export { resolveTracingOptions } from "./options.js";
export type { ResolvedTracingOptions } from "./options.js";
export { booleanValue, envSetting, envSnapshot, fromEnv, nonEmptyString, oneOf, positiveInteger, quote, setting } from "./setting-parsers.js";
export type { Env } from "./setting-parsers.js";
export { errorTypeOf } from "./errors.js";
export type { RunExit } from "./run-tracker.js";
