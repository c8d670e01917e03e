import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { diag } from "./diag.js";
import { encodeTraceLine } from "./otlp-json.js";
import type { OtlpJsonFileSpanExporterOptions } from "./types.js";

/**
 * Appends one line per `export` call to a file: the OTLP/JSON `ExportTraceServiceRequest` for those spans,
 * in exactly the format the OpenTelemetry Collector's file exporter writes (`format: json`), so the same
 * tools read a local audit trail and a collector's.
 *
 * Each line is written synchronously (`appendFileSync`): when `export` reports success the line has been
 * handed to the operating system, so a crash of the app right after cannot lose it. There is no buffer,
 * so {@link forceFlush} has nothing to wait for.
 */
export class OtlpJsonFileSpanExporter implements SpanExporter {
  /** Absolute path of the file lines are appended to. */
  readonly path: string;
  private _isShutdown = false;

  /** Creates the file's directory if missing; throws if it cannot be created. */
  constructor(options: OtlpJsonFileSpanExporterOptions) {
    this.path = path.resolve(options.path);
    mkdirSync(path.dirname(this.path), { recursive: true });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this._isShutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error("OtlpJsonFileSpanExporter is shut down") });
      return;
    }
    if (spans.length === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    try {
      this._append(encodeTraceLine(spans) + "\n");
    } catch (err) {
      diag.error(`could not write ${spans.length} span(s) to ${this.path}`, err);
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  /** Every export is written before it reports success; nothing is buffered here. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Later exports fail; the file is not held open, so there is nothing to close. */
  shutdown(): Promise<void> {
    this._isShutdown = true;
    return Promise.resolve();
  }

  private _append(line: string): void {
    try {
      appendFileSync(this.path, line);
    } catch (err) {
      // The directory was removed while the app ran (log cleanup, tmp reaping): recreate it once.
      if ((err as NodeJS.ErrnoException | undefined)?.code !== "ENOENT") throw err;
      mkdirSync(path.dirname(this.path), { recursive: true });
      appendFileSync(this.path, line);
    }
  }
}
