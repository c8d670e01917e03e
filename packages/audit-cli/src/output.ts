// SPDX-License-Identifier: Apache-2.0
import { once } from "node:events";
import type { Writable } from "node:stream";

/** The streams a command writes to (the process's, or a test's). */
export interface CommandIo {
  readonly stdout: Writable;
  readonly stderr: Writable & { isTTY?: boolean };
}

const FLUSH_AT = 64 * 1024;

/**
 * Buffered line output that respects backpressure, so exporting millions of records to a slow pipe holds at
 * most one buffer in memory.
 */
export class LineWriter {
  private _buffer = "";

  constructor(private readonly _stream: Writable) {}

  /** Queues `text` plus a line feed; awaits the stream draining when the buffer is full. */
  async line(text: string): Promise<void> {
    this._buffer += text + "\n";
    if (this._buffer.length >= FLUSH_AT) await this.flush();
  }

  /** Queues raw text (no line feed added). */
  async write(text: string): Promise<void> {
    this._buffer += text;
    if (this._buffer.length >= FLUSH_AT) await this.flush();
  }

  async flush(): Promise<void> {
    if (this._buffer === "") return;
    const chunk = this._buffer;
    this._buffer = "";
    if (!this._stream.write(chunk)) await once(this._stream, "drain");
  }
}
