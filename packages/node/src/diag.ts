// SPDX-License-Identifier: Apache-2.0
import { diag as apiDiag } from "@opentelemetry/api";

export const PACKAGE_NAME = "@langchain-otel/node";

/** This package's diag logger; silent unless the app (or `OTEL_LOG_LEVEL`) sets a diag logger. */
export const diag = apiDiag.createComponentLogger({ namespace: PACKAGE_NAME });
