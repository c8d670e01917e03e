// SPDX-License-Identifier: Apache-2.0
import { createNoopMeter, type Attributes, type Counter, type Meter, type MeterProvider, type MetricOptions } from "@opentelemetry/api";
import { ATTR_ERROR_TYPE } from "@opentelemetry/semantic-conventions";
import { diag } from "./diag.js";
import { ERROR_TYPE_VALUE_QUEUE_FULL } from "./semconv.js";

const WARN_INTERVAL_MILLIS = 60_000;

/**
 * Counts what a batch processor drops because its queue is full. The SDK's batch processors (sdk-trace and
 * sdk-logs 3.1) report such a drop only as a self-observability metric: an add of 1 to the "processed" counter
 * with `error.type` = `queue_full`, on the meter provider passed as `selfObsMeterProvider` (sdk-logs logs nothing
 * else at all). This is that meter provider: every other instrument is a no-op, so nothing else is recorded and
 * nothing is exported. Drops are reported through a diag warning at once, then at most once a minute.
 */
export class QueueDropCounter implements MeterProvider {
  private readonly _noun: string;
  private readonly _metricName: string;
  private readonly _variable: string;
  private _dropped = 0;
  private _lastWarningMillis: number | undefined;

  /**
   * @param noun what the processor holds ("spans", "log records"), for the warning
   * @param metricName the processor's "processed" counter
   * @param variable the variable that raises the queue size, for the warning
   */
  constructor(noun: string, metricName: string, variable: string) {
    this._noun = noun;
    this._metricName = metricName;
    this._variable = variable;
  }

  /** How many items were dropped so far. */
  get dropped(): number {
    return this._dropped;
  }

  getMeter(): Meter {
    const noop = createNoopMeter();
    const meter = Object.create(noop) as Meter;
    meter.createCounter = <A extends Attributes>(name: string, options?: MetricOptions): Counter<A> => {
      if (name !== this._metricName) return noop.createCounter<A>(name, options);
      return {
        add: (value: number, attributes?: A) => {
          if (attributes?.[ATTR_ERROR_TYPE] === ERROR_TYPE_VALUE_QUEUE_FULL) this._record(value);
        },
      };
    };
    return meter;
  }

  /** A last warning with the total, if anything was dropped (at shutdown). */
  reportTotal(): void {
    if (this._dropped > 0) this._warn();
  }

  private _record(count: number): void {
    if (!Number.isFinite(count) || count <= 0) return;
    this._dropped += count;
    const now = Date.now();
    if (this._lastWarningMillis === undefined || now - this._lastWarningMillis >= WARN_INTERVAL_MILLIS) this._warn(now);
  }

  private _warn(now = Date.now()): void {
    this._lastWarningMillis = now;
    diag.warn(
      `the batch processor's queue was full: ${this._dropped} ${this._noun} dropped so far (raise ${this._variable}); ` +
        "each one is a gap in audit.seq",
    );
  }
}
