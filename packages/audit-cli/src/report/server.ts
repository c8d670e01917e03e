// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { expandPaths, type TrailFile } from "../trail/paths.js";
import { UsageError } from "../usage.js";
import { collectTrailView } from "./collect.js";
import type { Selection } from "./model.js";
import { renderPage } from "./page.js";

/** Where and what {@link startTrailServer} serves. */
export interface TrailServerOptions {
  /** Files and directories of the trail; a directory is listed again on every request (new and rotated files). */
  readonly paths: readonly string[];
  readonly selection?: Selection | undefined;
  readonly maxRuns?: number;
  /** On 127.0.0.1 only. 0 picks a free port. @default 0 */
  readonly port?: number;
  /** Told about each failed request. */
  readonly onError?: (err: unknown) => void;
}

/** A running viewer. */
export interface TrailServer {
  /** `http://127.0.0.1:<port>/` */
  readonly url: string;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const SECURITY_HEADERS = {
  "cache-control": "no-store",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-resource-policy": "same-origin",
};

/** The files of the trail now, and a fingerprint that changes when any of them grows, appears or goes. */
async function snapshot(paths: readonly string[]): Promise<{ files: TrailFile[]; fingerprint: string }> {
  let files: TrailFile[];
  try {
    files = await expandPaths(paths);
  } catch (err) {
    // A directory without .jsonl files yet: an empty trail, the page waits for it.
    if (!(err instanceof UsageError)) throw err;
    files = [];
  }
  const hash = createHash("sha256");
  for (const file of files) {
    const info = await stat(file.path).catch(() => undefined);
    hash.update(`${file.path}\u0000${info?.size ?? -1}\u0000${info?.mtimeMs ?? -1}\n`);
  }
  return { files, fingerprint: hash.digest("hex").slice(0, 32) };
}

function send(res: ServerResponse, status: number, type: string, body: string, head: boolean): void {
  res.writeHead(status, { ...SECURITY_HEADERS, "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

/**
 * Serves the HTML report of a trail on 127.0.0.1, rebuilt when the files change: `GET /` is the page (the same as
 * `report --html`, plus a live mark), `GET /fingerprint` what the page polls to know when to reload. Requests
 * naming another host are refused, so a web page elsewhere cannot read the trail through DNS rebinding.
 *
 * @throws {UsageError} when a path does not exist.
 */
export async function startTrailServer(options: TrailServerOptions): Promise<TrailServer> {
  for (const p of options.paths) {
    try {
      await stat(p);
    } catch {
      throw new UsageError(`no such file or directory: ${p}`);
    }
  }
  let cached: { fingerprint: string; page: Promise<string> } | undefined;
  const page = async (): Promise<string> => {
    const { files, fingerprint } = await snapshot(options.paths);
    if (cached?.fingerprint !== fingerprint) {
      const rendering = collectTrailView(options.paths, files, { selection: options.selection, maxRuns: options.maxRuns }).then((view) => renderPage(view, { live: { fingerprint } }));
      cached = { fingerprint, page: rendering };
      rendering.catch(() => {
        if (cached?.page === rendering) cached = undefined;
      });
    }
    return cached.page;
  };

  let allowedHosts = new Set<string>();
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!allowedHosts.has(req.headers.host ?? "")) return send(res, 421, "text/plain; charset=utf-8", "This server answers only to 127.0.0.1 and localhost.\n", false);
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) return send(res, 405, "text/plain; charset=utf-8", "GET only\n", head);
    const route = new URL(req.url ?? "/", "http://localhost").pathname;
    if (route === "/") return send(res, 200, "text/html; charset=utf-8", await page(), head);
    if (route === "/fingerprint") return send(res, 200, "text/plain; charset=utf-8", (await snapshot(options.paths)).fingerprint, head);
    if (route === "/favicon.ico") {
      res.writeHead(204, SECURITY_HEADERS).end();
      return;
    }
    return send(res, 404, "text/plain; charset=utf-8", "not found: the viewer is at /\n", head);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) send(res, 500, "text/plain; charset=utf-8", `could not read the trail: ${(err as Error).message}\n`, false);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  return {
    url: `http://${HOST}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
