// SPDX-License-Identifier: Apache-2.0
import type { Resource } from "@opentelemetry/resources";
import { diag } from "../diag.js";

/** Most records held while a resource settles; past it they are released with the attributes settled so far. */
export const MAX_HELD_RECORDS = 65_536;

/**
 * Keeps records in order while their resource is still detecting attributes (`asyncAttributesPending`: the
 * host detector reads the machine ID asynchronously at startup). A record's hash covers the resource its
 * exporter will write, known only once the resource has settled, so a record that arrives before then, and every
 * record after it, waits here and is released in arrival order once its resource has settled.
 */
export class ResourceGate<T> {
  private _held: T[] = [];
  private _next = 0;
  private _waiting: Promise<void> | undefined;
  /** Set by {@link releaseAll}: from then on nothing waits. */
  private _open = false;

  constructor(
    private readonly _resourceOf: (item: T) => Resource,
    private readonly _release: (item: T) => void,
  ) {}

  /** Releases `item` now, or holds it behind the records already held / until its resource has settled. */
  submit(item: T): void {
    if (this._next === this._held.length && (this._open || !pending(this._resourceOf(item)))) {
      this._release(item);
      return;
    }
    this._held.push(item);
    if (this._held.length - this._next > MAX_HELD_RECORDS) {
      diag.warn(`more than ${MAX_HELD_RECORDS} records waited for resource detection to settle; they are stamped with the attributes detected so far`);
      while (this._next < this._held.length) this._releaseNext();
      return;
    }
    this._drain(false);
  }

  /** Resolves once nothing is held. */
  async settled(): Promise<void> {
    while (this._waiting !== undefined) await this._waiting;
  }

  /**
   * Releases every held record now, in order, settled or not, and every later one as it comes: for the
   * synchronous exit path, which cannot wait.
   */
  releaseAll(): void {
    this._open = true;
    while (this._next < this._held.length) this._releaseNext();
  }

  private _releaseNext(): void {
    const item = this._held[this._next]!;
    this._held[this._next++] = undefined as T;
    if (this._next === this._held.length) {
      this._held = [];
      this._next = 0;
    }
    this._release(item);
  }

  /** Releases held records up to the first whose resource is still pending (`force`: that one too). */
  private _drain(force: boolean): void {
    while (this._next < this._held.length) {
      const resource = this._resourceOf(this._held[this._next]!);
      if (pending(resource) && !force) {
        this._wait(resource);
        return;
      }
      force = false;
      this._releaseNext();
    }
  }

  private _wait(resource: Resource): void {
    if (this._waiting !== undefined) return;
    this._waiting = Promise.resolve()
      .then(() => resource.waitForAsyncAttributes?.())
      .catch(() => {})
      .then(() => {
        this._waiting = undefined;
        // Released even if the resource still says pending (a resource without waitForAsyncAttributes): waiting
        // again could never end.
        this._drain(true);
      });
  }
}

function pending(resource: Resource): boolean {
  return resource.asyncAttributesPending === true;
}
