// SPDX-License-Identifier: Apache-2.0
export { start, getHandle } from "./start.js";
export { OtlpJsonFileLogRecordExporter, OtlpJsonFileSpanExporter } from "./file-exporter.js";
export { ConfigurationError } from "./settings.js";
export { LangChainInstrumentation, RunIdGenerator } from "@langchain-otel/instrumentation";
export type {
  ContentPolicy,
  ExporterKind,
  LangChainOtelHandle,
  LangChainOtelOptions,
  LangChainOtelStats,
  OtlpJsonFileLogRecordExporterOptions,
  OtlpJsonFileSpanExporterOptions,
} from "./types.js";
