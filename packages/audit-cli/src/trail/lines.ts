// SPDX-License-Identifier: Apache-2.0
import { createReadStream } from "node:fs";

const CHUNK_BYTES = 1 << 20;
const LINE_FEED = 0x0a;

/** What {@link forEachLine} tells its caller besides the lines. */
export interface LineHooks {
  /** Each chunk's size, as it is read. */
  onBytes?(bytes: number): void;
  /** Awaited after each chunk's lines, before the next chunk is read (to drain output). */
  afterChunk?(): Promise<void>;
}

/**
 * Calls `onLine` with each line of the file (without its line feed; a last line without one included, with
 * `complete` false: a writer may have been cut off in it) and its 1-based number, reading the file in 1 MiB
 * chunks: memory holds one chunk plus the current line, whatever the file's size.
 */
export async function forEachLine(
  file: string,
  onLine: (text: string, line: number, complete: boolean) => void,
  hooks: LineHooks = {},
): Promise<number> {
  const stream = createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let carry: Buffer[] = [];
  let line = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    hooks.onBytes?.(chunk.length);
    let start = 0;
    let end: number;
    while ((end = chunk.indexOf(LINE_FEED, start)) !== -1) {
      line++;
      if (carry.length === 0) onLine(chunk.toString("utf8", start, end), line, true);
      else {
        carry.push(chunk.subarray(start, end));
        onLine(Buffer.concat(carry).toString("utf8"), line, true);
        carry = [];
      }
      start = end + 1;
    }
    // Copied, so a short tail does not keep the whole chunk alive.
    if (start < chunk.length) carry.push(Buffer.from(chunk.subarray(start)));
    if (hooks.afterChunk !== undefined) await hooks.afterChunk();
  }
  if (carry.length > 0) onLine(Buffer.concat(carry).toString("utf8"), ++line, false);
  return line;
}
