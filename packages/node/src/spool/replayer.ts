// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { diag } from "../diag.js";
import { collectorDown } from "../export/otlp-sink.js";
import type { OtlpSender, SendOutcome } from "../export/otlp-sender.js";
import { errorText, type Reporter } from "../reporter.js";
import { Backoff } from "./backoff.js";
import type { SpoolCounters } from "./counters.js";
import type { SpoolDirectory, SpoolFile } from "./spool-directory.js";

type Outcome = SendOutcome | { kind: "missing" };

/**
 * Sends the batches waiting in one signal's spool directory to the collector, oldest first, one request at a
 * time, through the signal's {@link OtlpSender}: the file's body as is. A file is deleted only after a 2xx. A 4xx
 * other than 408 and 429 means retrying can never succeed: the file is moved to `rejected/` with a line on stderr
 * and the next one is sent. Anything else (429, 408, 5xx,
 * network errors, timeouts) is retried after an exponential backoff with jitter (500 ms doubling to 30 s), or
 * after the server's Retry-After. Its timers are unref'd: a waiting spool never keeps the process alive.
 */
export class SpoolReplayer {
  private readonly _directory: SpoolDirectory;
  private readonly _sender: OtlpSender;
  private readonly _counters: SpoolCounters;
  private readonly _reporter: Reporter;
  private readonly _backoff: Backoff;
  private _running: Promise<void> | undefined;
  private _timer: NodeJS.Timeout | undefined;
  private _abortTimer: NodeJS.Timeout | undefined;
  private _deadline: number | undefined;
  private _stopped = false;
  private _failing = false;

  constructor(directory: SpoolDirectory, sender: OtlpSender, counters: SpoolCounters, reporter: Reporter, backoff = new Backoff()) {
    this._directory = directory;
    this._sender = sender;
    this._counters = counters;
    this._reporter = reporter;
    this._backoff = backoff;
  }

  /** A batch was spooled: starts sending now unless already sending or waiting out a backoff. */
  kick(): void {
    if (this._stopped || this._pastDeadline() || this._running !== undefined || this._timer !== undefined) return;
    this._start();
  }

  /**
   * Shutdown has begun and must be done by `deadline` (epoch milliseconds): no send starts after it, a request
   * still open then is aborted, and a failed send is not retried (what is left stays on disk for the next start).
   */
  setDeadline(deadline: number): void {
    this._deadline = deadline;
    clearTimeout(this._abortTimer);
    this._abortTimer = setTimeout(() => this._sender.abortAll(), Math.max(0, deadline - Date.now()));
    this._abortTimer.unref();
  }

  /**
   * At shutdown: one bounded attempt to send what waits, until the spool is empty, a send fails, or `deadline`
   * passes (see {@link setDeadline}).
   */
  async drain(deadline: number): Promise<void> {
    if (this._stopped) return;
    if (this._deadline === undefined || deadline < this._deadline) this.setDeadline(deadline);
    if (this._running === undefined) {
      this._clearTimer();
      this._start();
    }
    await this._running;
  }

  /** Stops for good: no more sends, an open request is aborted. */
  stop(): void {
    this._stopped = true;
    this._clearTimer();
    clearTimeout(this._abortTimer);
  }

  private _pastDeadline(): boolean {
    return this._deadline !== undefined && Date.now() >= this._deadline;
  }

  private _start(): void {
    const running = this._run().catch((err: unknown) => diag.error(`replaying the ${this._directory.signal} spool failed`, err));
    this._running = running.finally(() => {
      this._running = undefined;
    });
  }

  private async _run(): Promise<void> {
    for (let file = this._directory.oldest(); file !== undefined && !this._stopped; file = this._directory.oldest()) {
      if (this._pastDeadline()) return;
      const outcome = await this._send(file);
      switch (outcome.kind) {
        case "delivered":
          await this._directory.remove(file);
          this._counters.replayedBatches++;
          this._recovered();
          break;
        case "rejected": {
          const movedTo = await this._directory.reject(file);
          this._counters.rejectedBatches++;
          this._reporter.say(
            `rejected:${this._directory.signal}`,
            `the collector refused a spooled ${this._directory.signal} batch with HTTP ${outcome.status} (${outcome.reason}); ` +
              `sending it again cannot succeed, so it was moved to ${movedTo} for a person to look at`,
            "error",
          );
          this._recovered();
          break;
        }
        case "missing":
          this._directory.forget(file);
          break;
        case "retry":
          this._retryLater(outcome);
          return;
      }
    }
    if (this._directory.oldest() === undefined) this._backoff.reset();
  }

  private _recovered(): void {
    this._backoff.reset();
    if (!this._failing) return;
    this._failing = false;
    this._reporter.say(
      `up:${this._sender.target.url}`,
      `the collector at ${new URL(this._sender.target.url).origin} takes ${this._directory.signal} again; ` +
        `${countOf(this._directory.pendingCount, "spooled batch", "spooled batches")} left to send`,
      "info",
    );
  }

  private _retryLater(outcome: Extract<Outcome, { kind: "retry" }>): void {
    if (this._deadline !== undefined || this._stopped) {
      // Shutting down: what is left is reported once, by the spool.
      diag.debug(`the ${this._directory.signal} spool was not drained before shutdown (${outcome.reason})`);
      return;
    }
    if (!this._failing) {
      this._failing = true;
      const down = collectorDown(this._sender.target.url, outcome.reason, path.dirname(this._directory.dir));
      this._reporter.say(down.key, down.message);
    }
    const delay = this._backoff.next(outcome.retryAfterMillis);
    diag.debug(`retrying the ${this._directory.signal} spool in ${delay} ms`);
    this._timer = setTimeout(() => {
      this._timer = undefined;
      this._start();
    }, delay);
    this._timer.unref();
  }

  private _clearTimer(): void {
    if (this._timer === undefined) return;
    clearTimeout(this._timer);
    this._timer = undefined;
  }

  private async _send(file: SpoolFile): Promise<Outcome> {
    let body: string;
    try {
      body = this._directory.readBody(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException | undefined)?.code === "ENOENT") return { kind: "missing" };
      return { kind: "retry", reason: `cannot read ${file.path}: ${errorText(err)}` };
    }
    return this._sender.send(body, this._deadline);
  }
}

function countOf(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
