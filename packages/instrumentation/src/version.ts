// SPDX-License-Identifier: Apache-2.0
/** Instrumentation scope name and version (kept in step with package.json by a test). */
export const PACKAGE_NAME = "@langchain-otel/instrumentation";
export const PACKAGE_VERSION = "0.1.0";
