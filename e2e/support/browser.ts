// SPDX-License-Identifier: Apache-2.0
// Headless Chromium driven over the DevTools protocol through a pipe (--remote-debugging-pipe: no port, no
// polling), enough for the viewer's tests: open a page, evaluate, click with real mouse events, screenshot, and
// record every request and every console error or exception the page makes.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable, Writable } from "node:stream";
import { REPO_ROOT } from "../../collector-config/scripts/stack.mjs";
import { CHROMIUM } from "./chromium.ts";

/** Where the browser tests keep their screenshots: git-ignored, kept by CI as artifacts. */
export const ARTIFACTS = path.join(REPO_ROOT, "artifacts", "viewer");

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--hide-scrollbars",
  "--remote-debugging-pipe",
];

interface Message {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: { message: string };
  sessionId?: string;
}

/** A page in a headless Chromium of its own. */
export class Browser {
  /** Every URL the page requested, in order. */
  readonly requests: string[] = [];
  /** Console errors, uncaught exceptions and CSP reports, as text. */
  readonly problems: string[] = [];
  private _nextId = 1;
  private readonly _pending = new Map<number, { resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly _waiters = new Set<{ method: string; resolve: (m: Message) => void }>();
  private _sessionId = "";
  private _exited: Promise<void>;

  private constructor(
    private readonly _child: ChildProcess,
    private readonly _userDataDir: string,
  ) {
    const input = _child.stdio[4] as Readable;
    let buffered = "";
    input.setEncoding("utf8").on("data", (chunk: string) => {
      buffered += chunk;
      let end: number;
      while ((end = buffered.indexOf("\0")) !== -1) {
        this._dispatch(JSON.parse(buffered.slice(0, end)) as Message);
        buffered = buffered.slice(end + 1);
      }
    });
    this._exited = new Promise((resolve) => _child.once("exit", () => resolve()));
    this._exited.then(() => {
      for (const p of this._pending.values()) p.reject(new Error("chromium exited"));
      this._pending.clear();
    });
  }

  /** Starts Chromium with a fresh profile and opens a blank page of `width` × `height` CSS pixels. */
  static async launch({ width = 1440, height = 1000 } = {}): Promise<Browser> {
    const userDataDir = mkdtempSync(path.join(tmpdir(), "viewer-chromium-"));
    const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${userDataDir}`, "about:blank"], { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] });
    const browser = new Browser(child, userDataDir);
    const { targetInfos } = (await browser._send("Target.getTargets")) as { targetInfos: Array<{ targetId: string; type: string }> };
    const page = targetInfos.find((t) => t.type === "page") ?? ((await browser._send("Target.createTarget", { url: "about:blank" })) as { targetId: string });
    const { sessionId } = (await browser._send("Target.attachToTarget", { targetId: page.targetId, flatten: true })) as { sessionId: string };
    browser._sessionId = sessionId;
    await browser.send("Page.enable");
    await browser.send("Runtime.enable");
    await browser.send("Network.enable");
    await browser.send("Log.enable");
    await browser.send("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
    return browser;
  }

  /** A command to the page's session. */
  send(method: string, params: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    return this._send(method, params, this._sessionId);
  }

  /** Opens `url` and resolves when its load event has fired. */
  async goto(url: string, timeoutMillis = 20_000): Promise<void> {
    const loaded = this.waitFor("Page.loadEventFired", timeoutMillis);
    const result = (await this.send("Page.navigate", { url })) as { errorText?: string };
    if (result.errorText !== undefined) throw new Error(`could not open ${url}: ${result.errorText}`);
    await loaded;
  }

  /** Resolves with the next event `method` of the page, or rejects after `timeoutMillis`. */
  waitFor(method: string, timeoutMillis: number): Promise<Message> {
    return new Promise((resolve, reject) => {
      const waiter = {
        method,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      const timer = setTimeout(() => {
        this._waiters.delete(waiter);
        reject(new Error(`no ${method} within ${timeoutMillis} ms`));
      }, timeoutMillis);
      this._waiters.add(waiter);
    });
  }

  /** The value of a JavaScript expression in the page (awaited when it is a promise). */
  async evaluate<T>(expression: string): Promise<T> {
    const { result, exceptionDetails } = (await this.send("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })) as {
      result: { value?: T };
      exceptionDetails?: { text: string; exception?: { description?: string } };
    };
    if (exceptionDetails !== undefined) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
    return result.value as T;
  }

  /** A real left click (mouse events through the browser's hit testing) in the middle of the element. */
  async click(selector: string): Promise<void> {
    const box = await this.evaluate<{ x: number; y: number } | null>(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({ block: "center" });
      const r = el.getBoundingClientRect();
      return { x: r.left + Math.min(r.width / 2, 40), y: r.top + r.height / 2 };
    })()`);
    if (box === null) throw new Error(`nothing to click: ${selector}`);
    for (const type of ["mouseMoved", "mousePressed", "mouseReleased"]) {
      await this.send("Input.dispatchMouseEvent", { type, x: box.x, y: box.y, button: "left", clickCount: type === "mouseMoved" ? 0 : 1 });
    }
  }

  /** A key press on the focused element. */
  async press(key: "ArrowDown" | "ArrowUp" | "Enter"): Promise<void> {
    const code = { ArrowDown: 40, ArrowUp: 38, Enter: 13 }[key];
    await this.send("Input.dispatchKeyEvent", { type: "rawKeyDown", key, code: key, windowsVirtualKeyCode: code });
    await this.send("Input.dispatchKeyEvent", { type: "keyUp", key, code: key, windowsVirtualKeyCode: code });
  }

  /**
   * Writes a PNG of the viewport (or of the whole page) to `file`. `top`: scrolled to the top first, where the page's
   * sticky panels sit in place (a whole-page shot always is: taken scrolled, they would float mid-page).
   */
  async screenshot(file: string, { fullPage = false, top = fullPage }: { fullPage?: boolean; top?: boolean } = {}): Promise<void> {
    if (top) await this.evaluate("window.scrollTo(0, 0)");
    const { data } = (await this.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: fullPage })) as { data: string };
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(data, "base64"));
  }

  /** Closes Chromium (SIGKILL if it has not gone within 5 s) and removes its profile. */
  async close(): Promise<void> {
    if (this._child.exitCode === null && this._child.signalCode === null) {
      this._send("Browser.close").catch(() => {});
      const timer = setTimeout(() => this._child.kill("SIGKILL"), 5_000);
      await this._exited;
      clearTimeout(timer);
    }
    rmSync(this._userDataDir, { recursive: true, force: true });
  }

  private _send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this._nextId++;
    const output = this._child.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this._pending.set(id, {
        resolve: (m) => (m.error !== undefined ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result ?? {})),
        reject,
      });
      output.write(JSON.stringify({ id, method, params, ...(sessionId === undefined ? {} : { sessionId }) }) + "\0");
    });
  }

  private _dispatch(message: Message): void {
    if (message.id !== undefined) {
      const pending = this._pending.get(message.id);
      this._pending.delete(message.id);
      pending?.resolve(message);
      return;
    }
    const params = message.params ?? {};
    if (message.method === "Network.requestWillBeSent") this.requests.push(String((params["request"] as { url: string }).url));
    if (message.method === "Runtime.exceptionThrown") this.problems.push(`exception: ${JSON.stringify(params["exceptionDetails"])}`);
    if (message.method === "Runtime.consoleAPICalled" && (params["type"] === "error" || params["type"] === "warning")) this.problems.push(`console: ${JSON.stringify(params["args"])}`);
    if (message.method === "Log.entryAdded") {
      const entry = params["entry"] as { level: string; text: string; source: string };
      if (entry.level === "error" || entry.level === "warning") this.problems.push(`${entry.source}: ${entry.text}`);
    }
    for (const waiter of this._waiters) {
      if (waiter.method !== message.method) continue;
      this._waiters.delete(waiter);
      waiter.resolve(message);
    }
  }
}
