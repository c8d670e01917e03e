// SPDX-License-Identifier: Apache-2.0
import { SeverityNumber, TraceFlags } from "@opentelemetry/api";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { resource, scope } from "./known-span.js";

/** The audit record of a tool run's start, as the SDK hands it to an exporter. */
export function runStartRecord(overrides: Partial<ReadableLogRecord> = {}): ReadableLogRecord {
  return {
    hrTime: [1795517521, 838000000],
    hrTimeObserved: [1795517521, 838000512],
    spanContext: { traceId: "01a20d2f1fa97120a01ee9d9ca842143", spanId: "9e9abde62ceed800", traceFlags: TraceFlags.SAMPLED },
    severityNumber: SeverityNumber.INFO,
    severityText: "INFO",
    body: { run: "lookup_policy", inputs: { query: "refund" }, retries: 0 },
    eventName: "langchain.run.start",
    resource,
    instrumentationScope: scope,
    attributes: {
      "event.name": "langchain.run.start",
      "langchain.run_id": "01a20d2f-1fa9-7120-9e9a-bde62ceed800",
      "langchain.run_type": "tool",
      "langchain.tags": ["policy"],
      "audit.seq": 7,
      "langchain.duration_ms": 0.493,
    },
    droppedAttributesCount: 1,
    ...overrides,
  };
}

// Written by hand in the collector file exporter's format (pdata's generated LogRecord JSON marshaler): fields in
// opentelemetry-proto's declaration order (observedTimeUnixNano right after timeUnixNano), zero values left out
// but body always written, int64 as decimal strings, severity as a number, hex IDs, flags = W3C trace flags.
export const EXPECTED_LOGS_LINE =
  '{"resourceLogs":[{"resource":{"attributes":[' +
  '{"key":"service.name","value":{"stringValue":"support-bot"}},' +
  '{"key":"service.instance.id","value":{"stringValue":"i-1"}}]},' +
  '"scopeLogs":[{"scope":{"name":"@langchain-otel/instrumentation","version":"0.1.0"},"logRecords":[{' +
  '"timeUnixNano":"1795517521838000000",' +
  '"observedTimeUnixNano":"1795517521838000512",' +
  '"severityNumber":9,' +
  '"severityText":"INFO",' +
  '"body":{"kvlistValue":{"values":[' +
  '{"key":"run","value":{"stringValue":"lookup_policy"}},' +
  '{"key":"inputs","value":{"kvlistValue":{"values":[{"key":"query","value":{"stringValue":"refund"}}]}}},' +
  '{"key":"retries","value":{"intValue":"0"}}]}},' +
  '"attributes":[' +
  '{"key":"event.name","value":{"stringValue":"langchain.run.start"}},' +
  '{"key":"langchain.run_id","value":{"stringValue":"01a20d2f-1fa9-7120-9e9a-bde62ceed800"}},' +
  '{"key":"langchain.run_type","value":{"stringValue":"tool"}},' +
  '{"key":"langchain.tags","value":{"arrayValue":{"values":[{"stringValue":"policy"}]}}},' +
  '{"key":"audit.seq","value":{"intValue":"7"}},' +
  '{"key":"langchain.duration_ms","value":{"doubleValue":0.493}}],' +
  '"droppedAttributesCount":1,' +
  '"flags":1,' +
  '"traceId":"01a20d2f1fa97120a01ee9d9ca842143",' +
  '"spanId":"9e9abde62ceed800",' +
  '"eventName":"langchain.run.start"' +
  "}]}]}]}";
