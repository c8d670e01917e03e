// SPDX-License-Identifier: Apache-2.0
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { dataPointCount, encodeMetricsLine } from "../otlp-json-metrics.js";
import type { OtlpTarget } from "../spool/otlp-target.js";
import { OtlpSender } from "./otlp-sender.js";

/**
 * Sends the metrics over OTLP/HTTP as JSON with the audit signals' {@link OtlpSender}, so every request has the same
 * hard deadline: a collector that is down, hangs or trickles its answer never holds the exit past the shutdown
 * budget (the SDK's own OTLP exporter kept a trickling answer's socket, and so the process, alive). Not spooled:
 * metrics are cumulative, the next export carries what a failed one held. Cumulative temporality, like the SDK
 * exporter's default.
 */
export class OtlpJsonMetricExporter implements PushMetricExporter {
  private readonly _sender: OtlpSender;
  private _deadline: number | undefined;
  private _isShutdown = false;

  constructor(target: OtlpTarget) {
    this._sender = new OtlpSender(target);
  }

  /** Shutdown has begun: every request from now on (the final collection's included) ends by `deadline` (epoch ms). */
  beginShutdown(deadline: number): void {
    this._deadline = deadline;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this._isShutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("OtlpJsonMetricExporter is shut down") });
      return;
    }
    if (dataPointCount(metrics) === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    let body: string;
    try {
      body = encodeMetricsLine(metrics);
    } catch (err) {
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    void this._sender.send(body, this._deadline).then((outcome) => {
      if (outcome.kind === "delivered") resultCallback({ code: ExportResultCode.SUCCESS });
      else {
        const reason = outcome.kind === "rejected" ? `HTTP ${outcome.status} (${outcome.reason})` : outcome.reason;
        resultCallback({ code: ExportResultCode.FAILED, error: new Error(`metrics not delivered to ${this._sender.target.url}: ${reason}`) });
      }
    });
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  /** Nothing is buffered here: each export is one request. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Later exports fail; a request still open ends now. */
  shutdown(): Promise<void> {
    this._isShutdown = true;
    this._sender.abortAll();
    return Promise.resolve();
  }
}
