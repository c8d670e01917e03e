// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from "node:crypto";
import { LangChainInstrumentation, RunIdGenerator, type Redactor } from "@langchain-otel/instrumentation";
import { logs } from "@opentelemetry/api";
import { envSnapshot } from "@langchain-otel/instrumentation/internal";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK, type NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { PACKAGE_NAME, diag } from "./diag.js";
import { disabledHandle, getHandle, installHandle, runningHandle } from "./handle.js";
import { appSearchDirs, initializeLangChainContext, patchLangChainCore } from "./langchain-core.js";
import { AuditPipeline } from "./pipeline.js";
import { resourceDetectors, serviceInstanceId } from "./resource.js";
import { readAppName, resolveSettings, type Settings } from "./settings.js";
import type { LangChainOtelHandle, LangChainOtelOptions } from "./types.js";

export { getHandle };

/** Resource attributes through the redactor under policy `redacted` (what it finds is replaced, as in payloads). */
function resourceRedaction(redactor: Redactor | undefined): ((text: string) => string) | undefined {
  return redactor === undefined ? undefined : (text) => redactor.redactString(text).value;
}

/** The NodeSDK's configuration: run-derived IDs, the instrumentation, the pipeline's processors, the resource. */
function sdkConfiguration(
  settings: Settings,
  instanceId: string,
  instrumentation: LangChainInstrumentation,
  pipeline: AuditPipeline,
): Partial<NodeSDKConfiguration> {
  const config: Partial<NodeSDKConfiguration> = {
    idGenerator: new RunIdGenerator(),
    instrumentations: [instrumentation],
    spanProcessors: [...pipeline.spanProcessors],
    // Always set explicitly (empty when audit records are off): left unset, NodeSDK would build an OTLP log
    // exporter from the environment of its own accord.
    logRecordProcessors: [...pipeline.logRecordProcessors],
    // Lowest precedence: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the SDK's detectors) win over it.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.defaultServiceName })),
    // The SDK's own detectors, the last of them pinning service.instance.id to ours.
    resourceDetectors: resourceDetectors(instanceId, resourceRedaction(settings.tracing.redactor)),
  };
  if (settings.serviceName !== undefined) config.serviceName = settings.serviceName;
  // Set explicitly unless OTEL_METRICS_EXPORTER asks the SDK to build them from the environment.
  if (settings.metrics.kind !== "env") config.metricReaders = [...pipeline.metricReaders];
  return config;
}

/**
 * Starts OpenTelemetry for a LangChain app: a NodeSDK whose span IDs are LangChain run IDs, the LangChain
 * instrumentation attached to every run (in every build of the app's `@langchain/core`), and, for spans and
 * for audit records (log records) each, an exporter: OTLP/HTTP when an endpoint is configured (spooled to disk
 * while the collector does not take them), else the embedded audit file (`traces.jsonl`, `logs.jsonl`). Every
 * exported span and record is stamped with `audit.chain` / `audit.seq` / `audit.hash` under this process's
 * `service.instance.id` and a chain ID of its own. However the process ends while JavaScript still runs (no work
 * left, `process.exit()`, an uncaught exception or rejection, SIGTERM / SIGINT / SIGHUP), open runs end as ERROR
 * and everything not yet exported is written. Calling it again while running returns the running handle.
 *
 * This is the one place a bad setting fails: options and environment are read and checked here, once.
 *
 * @throws {ConfigurationError} for a bad option or environment variable, naming it, its value and what is accepted.
 */
export function start(options: LangChainOtelOptions = {}): LangChainOtelHandle {
  const running = getHandle();
  if (running !== undefined) {
    diag.warn("start() called while already started; returning the running handle, the new options are ignored");
    return running;
  }
  const cwd = process.cwd();
  const settings = resolveSettings(options, envSnapshot(), { cwd, appName: readAppName(cwd) });
  for (const warning of settings.warnings) diag.warn(warning);
  if (settings.disabled) return installHandle(disabledHandle());

  const instanceId = serviceInstanceId(settings.serviceInstanceId);
  const pipeline = new AuditPipeline(settings, randomUUID(), options.spanProcessors ?? []);
  initializeLangChainContext();
  const instrumentation = new LangChainInstrumentation(settings.tracingConfig, settings.tracing);
  const sdk = new NodeSDK(sdkConfiguration(settings, instanceId, instrumentation, pipeline));
  sdk.start();
  // The global logger provider is the SDK's now: the one holding the pipeline's log record processors.
  pipeline.startSigning(logs.getLogger(PACKAGE_NAME));
  const langchain = patchLangChainCore(instrumentation, appSearchDirs(cwd));
  return installHandle(runningHandle({ settings, instanceId, instrumentation, pipeline, sdk, langchain }));
}
