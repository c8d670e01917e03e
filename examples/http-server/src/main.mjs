// SPDX-License-Identifier: Apache-2.0
// Run: pnpm start   (= node --import @langchain-otel/node/register src/main.mjs)
// The --import flag traces every LangChain run. The server starts one span per request itself (as an HTTP
// instrumentation would), and the runs a request starts join that request's trace as its children.
import { once } from "node:events";
import { createServer } from "node:http";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { rootSpans, routedChatModel, showTrail } from "@langchain-otel/example-support";

const FAQ = [
  "Returns: unused items can be returned within 30 days with the receipt.",
  "Shipping: standard shipping takes 3 to 5 business days.",
  "International: we ship to the EU and the UK; orders arrive within 10 business days.",
  "Gift cards: gift cards never expire.",
].join("\n");

const prompt = ChatPromptTemplate.fromMessages([
  ["system", `You are a store support assistant. Answer in one sentence from this FAQ:\n${FAQ}`],
  ["human", "{question}"],
]);
// Offline, the reply is picked by the question, so concurrent requests each get their own answer.
const model = await routedChatModel([
  { match: /return/i, reply: "Unused items can be returned within 30 days with the receipt." },
  { match: /abroad|international/i, reply: "Yes, we ship to the EU and the UK, and orders arrive within 10 business days." },
  { match: /gift card/i, reply: "No, gift cards never expire." },
  { match: /./, reply: "Standard shipping takes 3 to 5 business days." },
]);
const answer = prompt.pipe(model).pipe(new StringOutputParser()).withConfig({ runName: "chat_answer" });

const tracer = trace.getTracer("http-server");

async function readJson(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return JSON.parse(body);
}

function send(res, status, body) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function handleChat(req, res, span) {
  if (req.method !== "POST" || req.url !== "/chat") return send(res, 404, { error: "not found" });
  const { sessionId, question } = await readJson(req);
  if (typeof sessionId !== "string" || typeof question !== "string") return send(res, 400, { error: "sessionId and question are required" });
  span.setAttribute("session.id", sessionId);
  // The request span is active here, so the chain's runs become its children in the same trace.
  const reply = await answer.invoke({ question }, { metadata: { session_id: sessionId } });
  send(res, 200, { sessionId, answer: reply });
}

const server = createServer((req, res) => {
  const route = req.url === "/chat" ? `${req.method} /chat` : req.method;
  const attributes = { "http.request.method": req.method, "url.path": req.url };
  tracer.startActiveSpan(route, { kind: SpanKind.SERVER, attributes }, async (span) => {
    try {
      await handleChat(req, res, span);
    } catch (err) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
      if (!res.headersSent) send(res, 500, { error: "internal error" });
    } finally {
      span.setAttribute("http.response.status_code", res.statusCode);
      span.end();
    }
  });
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const url = `http://127.0.0.1:${server.address().port}/chat`;
console.log(`listening on ${url}`);

// The example is its own client: two sessions, four requests, two in flight at a time.
const requests = [
  { sessionId: "session-alice", question: "Can I return a jacket I bought last week?" },
  { sessionId: "session-bob", question: "How long does standard shipping take?" },
  { sessionId: "session-alice", question: "Do you ship abroad?" },
  { sessionId: "session-bob", question: "Do gift cards expire?" },
];

async function ask({ sessionId, question }) {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sessionId, question }) });
  const body = await response.json();
  if (response.status !== 200 || body.sessionId !== sessionId || typeof body.answer !== "string" || body.answer === "") {
    throw new Error(`unexpected answer to ${sessionId}: ${response.status} ${JSON.stringify(body)}`);
  }
  console.log(`${sessionId}: ${question}\n  → ${body.answer}`);
}

try {
  for (let i = 0; i < requests.length; i += 2) await Promise.all(requests.slice(i, i + 2).map(ask));
} finally {
  server.close();
  server.closeAllConnections();
  await once(server, "close");
}

// One trace per request, rooted at the server span (OTLP numbers span kinds from 1, the API from 0).
await showTrail((spans) => rootSpans(spans).filter((s) => s.kind === SpanKind.SERVER + 1).map((s) => s.traceId));
