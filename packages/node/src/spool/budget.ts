// SPDX-License-Identifier: Apache-2.0
/**
 * The byte cap of one spool directory, shared by its signals: a batch is written only if it fits. The count covers
 * the batches waiting in this process's spool files (written, or being written); rejected files are not counted.
 */
export class SpoolBudget {
  readonly maxBytes: number;
  private _usedBytes: number;

  constructor(maxBytes: number, usedBytes = 0) {
    this.maxBytes = maxBytes;
    this._usedBytes = usedBytes;
  }

  /** Bytes in the spool now. May exceed {@link maxBytes} when files left by earlier runs were adopted. */
  get usedBytes(): number {
    return this._usedBytes;
  }

  /** Takes `bytes` from the budget if they fit; false (and nothing taken) if they do not. */
  tryReserve(bytes: number): boolean {
    if (this._usedBytes + bytes > this.maxBytes) return false;
    this._usedBytes += bytes;
    return true;
  }

  /** Counts `bytes` that are already on disk (adopted files), whether they fit or not. */
  add(bytes: number): void {
    this._usedBytes += bytes;
  }

  /** Gives `bytes` back: a file was delivered, rejected or could not be written. */
  release(bytes: number): void {
    this._usedBytes = Math.max(0, this._usedBytes - bytes);
  }
}
