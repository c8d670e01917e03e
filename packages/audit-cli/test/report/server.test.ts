// SPDX-License-Identifier: Apache-2.0
import { appendFileSync, readFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startTrailServer, type TrailServer } from "../../src/report/server.js";
import { removeTempDirs, tempDir } from "../cli.js";
import { writeStandardTrail } from "../scenario.js";

const servers: TrailServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  removeTempDirs();
});

async function serve(paths: string[]): Promise<TrailServer> {
  const server = await startTrailServer({ paths });
  servers.push(server);
  return server;
}

/** A raw HTTP request (fetch will not send another Host header). */
function get(url: string, { host, method = "GET" }: { host?: string; method?: string } = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: host === undefined ? {} : { host } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on("error", reject).end();
  });
}

describe("serve", () => {
  it("serves the page live on 127.0.0.1, with a fingerprint that changes when the trail grows", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const server = await serve([dir]);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);

    const first = await get(server.url);
    expect(first.status).toBe(200);
    expect(first.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(first.headers["cache-control"]).toBe("no-store");
    expect(first.headers["x-content-type-options"]).toBe("nosniff");
    const fingerprint = (await get(server.url + "fingerprint")).body;
    expect(fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(first.body).toContain(`<body data-live="1" data-fingerprint="${fingerprint}">`);
    expect(first.body.match(/class="run /g)).toHaveLength(5);

    // Another delivery of the first line: the files changed, so the fingerprint and the page do.
    const traces = path.join(dir, "traces.jsonl");
    appendFileSync(traces, readFileSync(traces, "utf8").split("\n")[0] + "\n");
    const next = (await get(server.url + "fingerprint")).body;
    expect(next).not.toBe(fingerprint);
    expect((await get(server.url)).body).toContain(`data-fingerprint="${next}"`);
  });

  it("answers only to its own host names, only GET, only its routes", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const server = await serve([dir]);
    const port = new URL(server.url).port;
    expect((await get(server.url, { host: `localhost:${port}` })).status).toBe(200);
    expect((await get(server.url, { host: `attacker.example:${port}` })).status).toBe(421);
    expect((await get(server.url, { method: "POST" })).status).toBe(405);
    expect(await get(server.url + "traces.jsonl")).toMatchObject({ status: 404, body: "not found: the viewer is at /\n" });
  });

  it("waits for a directory with no files yet, and refuses a path that does not exist", async () => {
    const dir = tempDir();
    const server = await serve([dir]);
    const empty = await get(server.url);
    expect(empty.status).toBe(200);
    expect(empty.body).toContain("<h2>No audit files yet</h2>");
    await writeStandardTrail(dir);
    expect((await get(server.url)).body).toContain('data-verdict="ok"');
    await expect(startTrailServer({ paths: [path.join(dir, "missing")] })).rejects.toThrow(`no such file or directory: ${path.join(dir, "missing")}`);
  });
});
