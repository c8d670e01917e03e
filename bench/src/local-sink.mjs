// SPDX-License-Identifier: Apache-2.0
import { createServer } from "node:http";

/**
 * An HTTP server on 127.0.0.1 (random port) that reads each request and answers 200 `{}`: a stand-in for a
 * vendor's API so that nothing leaves the machine. Unref'd, so it never keeps a process alive.
 */
export function startLocalSink() {
  const sink = { url: "", requests: 0 };
  const server = createServer((req, res) => {
    sink.requests++;
    req.resume();
    req.on("end", () => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.unref();
      sink.url = `http://127.0.0.1:${server.address().port}`;
      resolve(sink);
    });
  });
}
