// SPDX-License-Identifier: Apache-2.0
// Is the Kafka broker serving requests? One ApiVersions request (API key 18, version 0: every broker version
// answers it, it is how clients negotiate) over a plain TCP connection. A KRaft broker opens its listener before it
// has caught up with the metadata log, but only processes requests once it has, so an answer means it is ready.

import net from "node:net";

const API_VERSIONS = 18;
const CLIENT_ID = "langchain-otel-stack";

/** The ApiVersions v0 request frame: size, then header v1 (api key, version, correlation id, client id). */
function apiVersionsRequest(correlationId) {
  const clientId = Buffer.from(CLIENT_ID, "utf8");
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length);
  body.writeInt16BE(API_VERSIONS, 0);
  body.writeInt16BE(0, 2);
  body.writeInt32BE(correlationId, 4);
  body.writeInt16BE(clientId.length, 8);
  clientId.copy(body, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Resolves true when the broker at host:port answers an ApiVersions request without error within `timeoutMs`. */
export function kafkaAnswers(host, port, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const correlationId = 0x4c4f; // any value: the response must echo it
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("error", () => done(false));
    socket.once("connect", () => socket.write(apiVersionsRequest(correlationId)));
    socket.on("data", (chunk) => {
      received = Buffer.concat([received, chunk]);
      // size (4), correlation id (4), error code (2): enough to judge; the rest lists the supported versions.
      if (received.length < 10) return;
      done(received.readInt32BE(4) === correlationId && received.readInt16BE(8) === 0);
    });
    socket.once("end", () => done(false));
  });
}
