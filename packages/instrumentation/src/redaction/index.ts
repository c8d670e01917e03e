// SPDX-License-Identifier: Apache-2.0
export { Redactor, UNREDACTABLE } from "./redactor.js";
export { BUILT_IN_KINDS as REDACTION_DETECTOR_KINDS } from "./detectors.js";
export { REDACTION_KEY_ENV } from "./config.js";
export type { RedactionKind, RedactionOptions, RedactionResult, RedactionRule } from "./types.js";
