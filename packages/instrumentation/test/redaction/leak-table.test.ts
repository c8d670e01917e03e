// SPDX-License-Identifier: Apache-2.0
// The leak table: every channel a string can leave the process by, and every evasion of the detectors, under the
// default policy (redacted). Each row drives the handler with fixed run IDs and asserts that none of its raw
// values is in anything exported (span names, attribute keys and values, event names and attributes, status
// messages, log record attributes, metric point attributes); a table of negatives asserts that ordinary values come
// out unchanged.
import { createHash } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { OpenTelemetryCallbackHandler } from "../../src/handler.js";
import { setupMetrics, setupTracing } from "../helpers.js";

const ROOT = "019a1b2c-3d4e-7f00-8a11-000000000001";
const CHILD = "019a1b2c-3d4e-7f00-8a11-000000000002";
const SEQ = { id: ["langchain_core", "runnables", "RunnableSequence"] };
const CHAT = { id: ["langchain", "chat_models", "openai", "ChatOpenAI"] };
const GRAPH = { id: ["langgraph", "pregel", "CompiledStateGraph"] };

const { provider, exporter: spanExporter, spans } = setupTracing();
const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });

// Synthetic values of the right shape, never issued.
const V = {
  email: "maria.kowalska@example.org",
  card: "4539 1488 0343 6467",
  apiKey: "sk-proj-B7mkJa2GOYHaJR5R9WeA5Lc5Lz8lHIq1",
  phone: "+44 20 7946 0958",
  ssn: "078-05-1120",
  iban: "DE89370400440532013000",
  jwt: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkphbmUifQ.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
  stripe: "sk_live_51HxQ2kLmP0qRsT5uVwX9yA2bC3dE4fG5",
  stripeRestricted: "rk_live_51HxQ2kLmP0qRsT5uVwX9yA2bC3dE4fG5",
  google: "AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY",
  azure: "Abc1Q~d8fGhIjKlMnOpQrStUvWxYz0123456789_",
  password: "hunter2",
} as const;

const digits = (text: string) => text.replace(/\D/g, "");
const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const fullwidth = (text: string) => text.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const PEM = [
  "-----BEGIN RSA PRIVATE KEY-----",
  "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu",
  "KUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQJAIJLixBy2qpFoS4DSmoEm",
  "-----END RSA PRIVATE KEY-----",
].join("\n");

type Handler = OpenTelemetryCallbackHandler;

// A fresh meter per row (beforeEach): the metric points a row's runs recorded, and nothing of the rows before.
let metrics = setupMetrics();

function handler(options: ConstructorParameters<typeof OpenTelemetryCallbackHandler>[0] = {}): Handler {
  return new OpenTelemetryCallbackHandler({ tracerProvider: provider, loggerProvider, meterProvider: metrics.meterProvider, ...options });
}

/** A chain run whose input is `inputs`, then its end with `outputs`. */
function chain(h: Handler, inputs: unknown, outputs: unknown = "ok", extra: { name?: string; tags?: string[]; metadata?: Record<string, unknown> } = {}) {
  h.handleChainStart(SEQ, inputs, ROOT, undefined, extra.tags ?? [], extra.metadata ?? {}, undefined, extra.name ?? "app");
  h.handleChainEnd(outputs, ROOT);
}

/** Every string that left: span names, attribute keys and values, events, status messages, records, metric points. */
async function exported(): Promise<string> {
  const parts: string[] = [];
  const attrs = (a: Record<string, unknown> | undefined) => {
    for (const [key, value] of Object.entries(a ?? {})) parts.push(key, typeof value === "string" ? value : JSON.stringify(value));
  };
  for (const s of spans() as ReadableSpan[]) {
    parts.push(s.name, s.status.message ?? "");
    attrs(s.attributes);
    for (const e of s.events) {
      parts.push(e.name);
      attrs(e.attributes);
    }
  }
  for (const r of logExporter.getFinishedLogRecords()) {
    parts.push(r.eventName ?? "", JSON.stringify(r.body ?? null));
    attrs(r.attributes as Record<string, unknown>);
  }
  for (const point of await metrics.points()) {
    parts.push(point.name);
    attrs(point.attributes);
  }
  return parts.join("\n");
}

interface Row {
  channel: string;
  /** What must not appear anywhere in the export. */
  forbidden: string[];
  drive: (h: Handler) => void;
}

const CHANNELS: Row[] = [
  { channel: "chain inputs (payload)", forbidden: [V.email], drive: (h) => chain(h, { question: `mail ${V.email}` }) },
  { channel: "chain outputs (payload)", forbidden: [V.card, digits(V.card)], drive: (h) => chain(h, "q", { answer: `card ${V.card}` }) },
  {
    channel: "chat messages in and out",
    forbidden: [V.apiKey, V.phone],
    drive: (h) => {
      h.handleChatModelStart(CHAT, [[{ type: "human", content: `key ${V.apiKey}` }]], ROOT, undefined, {}, [], {}, "ChatOpenAI");
      h.handleLLMEnd({ generations: [[{ text: V.phone, message: { type: "ai", content: `call ${V.phone}` } }]] }, ROOT);
    },
  },
  {
    channel: "tool arguments and result",
    forbidden: [V.ssn, V.iban],
    drive: (h) => {
      h.handleToolStart({ id: ["tool"] }, JSON.stringify({ ssn: V.ssn }), ROOT, undefined, [], {}, "lookup", "call_1");
      h.handleToolEnd(`iban ${V.iban}`, ROOT);
    },
  },
  {
    channel: "retrieved documents",
    forbidden: [V.email],
    drive: (h) => {
      h.handleRetrieverStart({ id: ["retriever"] }, "q", ROOT, undefined, [], {}, "docs");
      h.handleRetrieverEnd([{ pageContent: `contact ${V.email}`, metadata: { source: "a.txt" } }], ROOT);
    },
  },
  { channel: "metadata values", forbidden: [V.email], drive: (h) => chain(h, "q", "ok", { metadata: { contact: V.email } }) },
  { channel: "metadata keys", forbidden: [V.email], drive: (h) => chain(h, "q", "ok", { metadata: { [V.email]: "vip" } }) },
  { channel: "metadata under a password-like key", forbidden: [V.password], drive: (h) => chain(h, "q", "ok", { metadata: { db_password: V.password } }) },
  { channel: "identity (user id)", forbidden: [V.email], drive: (h) => chain(h, "q", "ok", { metadata: { user_id: V.email } }) },
  { channel: "JSON object keys inside a payload", forbidden: [V.email], drive: (h) => chain(h, { [V.email]: { plan: "pro" } }) },
  { channel: "run name (and so the span name)", forbidden: [V.email], drive: (h) => chain(h, "q", "ok", { name: `ask ${V.email}` }) },
  {
    channel: "tool name",
    forbidden: [V.email],
    drive: (h) => {
      h.handleToolStart({ id: ["tool"] }, "{}", ROOT, undefined, [], {}, `notify:${V.email}`, "call_1");
      h.handleToolEnd("ok", ROOT);
    },
  },
  {
    channel: "tool description",
    forbidden: [V.email],
    drive: (h) => {
      h.handleToolStart({ id: ["tool"], kwargs: { description: `mails ${V.email}` } }, "{}", ROOT, undefined, [], {}, "t", "call_1");
      h.handleToolEnd("ok", ROOT);
    },
  },
  { channel: "tags", forbidden: [V.email], drive: (h) => chain(h, "q", "ok", { tags: [`customer:${V.email}`] }) },
  {
    channel: "model name (span name)",
    forbidden: [V.email],
    drive: (h) => {
      h.handleChatModelStart(CHAT, [[{ type: "human", content: "hi" }]], ROOT, undefined, { invocation_params: { model: `ft:${V.email}` } }, [], {}, "m");
      h.handleLLMEnd({ generations: [[{ text: "x", message: { type: "ai", content: "x", response_metadata: { model_name: `ft:${V.email}` } } }]] }, ROOT);
    },
  },
  {
    channel: "custom event name and data",
    forbidden: [V.email, V.phone],
    drive: (h) => {
      h.handleChainStart(SEQ, "q", ROOT, undefined, [], {}, undefined, "app");
      h.handleCustomEvent(`progress ${V.email}`, { phone: V.phone }, ROOT);
      h.handleChainEnd("ok", ROOT);
    },
  },
  {
    channel: "agent action event (tool name, input, log)",
    forbidden: [V.email, V.card],
    drive: (h) => {
      h.handleChainStart(SEQ, "q", ROOT, undefined, [], {}, undefined, "agent");
      h.handleAgentAction({ tool: `mail_${V.email}`, toolInput: { card: V.card }, log: `thinking about ${V.email}` }, ROOT);
      h.handleChainEnd("ok", ROOT);
    },
  },
  {
    channel: "error name (error.type, exception.type)",
    forbidden: [V.email],
    drive: (h) => {
      h.handleChainStart(SEQ, "q", ROOT, undefined, [], {}, undefined, "app");
      h.handleChainError(Object.assign(new Error("declined"), { name: `Declined_${V.email}` }), ROOT);
    },
  },
  {
    channel: "error message, status message and stack",
    forbidden: [V.card, digits(V.card), V.email],
    drive: (h) => {
      h.handleChainStart(SEQ, "q", ROOT, undefined, [], {}, undefined, "app");
      const error = new Error(`card ${V.card} declined`);
      error.stack = `Error: card ${V.card} declined\n    at charge (${V.email}/app.js:1:1)`;
      h.handleChainError(error, ROOT);
    },
  },
  {
    channel: "provider response: finish reason, response id and model, provider attributes",
    forbidden: [V.email],
    drive: (h) => {
      h.handleChatModelStart(CHAT, [[{ type: "human", content: "hi" }]], ROOT, undefined, {}, [], {}, "m");
      const metadata = { finish_reason: `stop:${V.email}`, id: `chatcmpl-${V.email}`, model_name: `gpt-4o ${V.email}`, system_fingerprint: `fp_${V.email}` };
      h.handleLLMEnd({ generations: [[{ text: "x", generationInfo: { finish_reason: `stop:${V.email}` }, message: { type: "ai", content: "x", response_metadata: metadata } }]] }, ROOT);
    },
  },
  {
    channel: "server address (base URL of the model)",
    forbidden: [V.ssn],
    drive: (h) => {
      h.handleChatModelStart({ ...CHAT, kwargs: { configuration: { baseURL: `https://${V.ssn}.example.net/v1` } } }, [[{ type: "human", content: "hi" }]], ROOT, undefined, {}, [], {}, "m");
      h.handleLLMEnd({ generations: [[{ text: "x", message: { type: "ai", content: "x" } }]] }, ROOT);
    },
  },
  {
    channel: "agent name (createAgent's lc_agent_name)",
    forbidden: [V.email],
    drive: (h) => {
      const metadata = { ls_integration: "langchain_create_agent", lc_agent_name: `helper ${V.email}` };
      h.handleChainStart(GRAPH, "q", ROOT, undefined, [], metadata, undefined, "LangGraph");
      h.handleChainEnd("ok", ROOT);
    },
  },
  {
    channel: "graph reclassified as an agent by its model node (span name, agent name)",
    forbidden: [V.email],
    drive: (h) => {
      h.handleChainStart(GRAPH, "q", ROOT, undefined, [], {}, undefined, `bot ${V.email}`);
      h.handleChainStart(SEQ, "q", CHILD, ROOT, [], { langgraph_node: "agent" }, undefined, "agent");
      h.handleChainEnd("ok", CHILD);
      h.handleChainEnd("ok", ROOT);
    },
  },
  {
    channel: "metric attributes (model names, error.type of a failed model call)",
    forbidden: [V.email],
    drive: (h) => {
      h.handleChatModelStart(CHAT, [[{ type: "human", content: "hi" }]], ROOT, undefined, { invocation_params: { model: `ft:${V.email}` } }, [], {}, "m");
      h.handleLLMError(Object.assign(new Error("quota"), { name: `Quota_${V.email}` }), ROOT);
    },
  },
  { channel: "LangGraph checkpoint namespace", forbidden: [V.email], drive: (h) => chain(h, "q", "ok", { metadata: { langgraph_checkpoint_ns: `ns:${V.email}` } }) },
];

const EVASIONS: Row[] = [
  { channel: "URL-encoded e-mail", forbidden: ["maria.kowalska%40example.org", V.email], drive: (h) => chain(h, "to=maria.kowalska%40example.org&x=1") },
  { channel: "URL-encoded card", forbidden: ["4539%201488%200343%206467", digits(V.card)], drive: (h) => chain(h, "c=4539%201488%200343%206467") },
  { channel: "base64-wrapped API key", forbidden: [base64(`key: ${V.apiKey}`), V.apiKey], drive: (h) => chain(h, `blob ${base64(`key: ${V.apiKey}`)} end`) },
  { channel: "base64url-wrapped e-mail", forbidden: [Buffer.from(`to ${V.email}`).toString("base64url")], drive: (h) => chain(h, Buffer.from(`to ${V.email}`).toString("base64url")) },
  { channel: "zero-width characters in an e-mail", forbidden: ["maria.kowalska\u200b@\u200dexample.org", "kowalska"], drive: (h) => chain(h, "mail maria.kowalska\u200b@\u200dexample.org now") },
  { channel: "zero-width characters in a card", forbidden: ["4539\u200b1488\u200c0343\u20606467", "0343"], drive: (h) => chain(h, "card 4539\u200b1488\u200c0343\u20606467 ok") },
  { channel: "zero-width characters in an sk- key", forbidden: ["sk-proj-B7mkJa2GO", "YHaJR5R9WeA5Lc5Lz8lHIq1", "B7mkJa2GOYHaJR5R9WeA5Lc5Lz8lHIq1"], drive: (h) => chain(h, `key sk-proj-B7mkJa2GO\u200bYHaJR5R9WeA5Lc5Lz8lHIq1 end`) },
  { channel: "fullwidth @", forbidden: ["maria.kowalska\uff20example.org", "kowalska"], drive: (h) => chain(h, "mail maria.kowalska\uff20example.org") },
  { channel: "fullwidth digits", forbidden: [fullwidth(V.card), fullwidth("0343")], drive: (h) => chain(h, `card ${fullwidth(V.card)}`) },
  { channel: "NBSP-separated card", forbidden: [V.card.replaceAll(" ", "\u00a0"), "0343"], drive: (h) => chain(h, `card ${V.card.replaceAll(" ", "\u00a0")}`) },
  { channel: "dot-separated card", forbidden: [V.card.replaceAll(" ", "."), "0343"], drive: (h) => chain(h, `card ${V.card.replaceAll(" ", ".")}`) },
  { channel: "slash-separated card", forbidden: [V.card.replaceAll(" ", "/"), "0343"], drive: (h) => chain(h, `card ${V.card.replaceAll(" ", "/")}`) },
  { channel: "dot-separated SSN", forbidden: [V.ssn.replaceAll("-", ".")], drive: (h) => chain(h, `ssn ${V.ssn.replaceAll("-", ".")}`) },
  { channel: "password in a JSON string nested in a payload", forbidden: [V.password], drive: (h) => chain(h, { body: JSON.stringify({ user: "ann", password: V.password }) }) },
  { channel: "password under a password-like key at depth", forbidden: [V.password], drive: (h) => chain(h, { a: { b: [{ c: { userPassword: V.password } }] } }) },
  { channel: "password in text after password=", forbidden: [V.password], drive: (h) => chain(h, `login with user=ann password=${V.password} please`) },
  { channel: "password in a URL", forbidden: [V.password], drive: (h) => chain(h, `postgres://ann:${V.password}@db.internal:5432/app`) },
  { channel: "JSON escapes in a nested JSON string", forbidden: ["maria.kowalska\\\\u0040example.org", "kowalska"], drive: (h) => chain(h, { body: '{"to":"maria.kowalska\\u0040example.org"}' }) },
  { channel: "PEM private key block", forbidden: ["MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu", "KUpRKfFLfRYC9AIKjbJTWit"], drive: (h) => chain(h, `here is my key:\n${PEM}\nthanks`) },
  { channel: "PEM private key without its END line", forbidden: ["KUpRKfFLfRYC9AIKjbJTWit"], drive: (h) => chain(h, PEM.split("\n").slice(0, 3).join("\n")) },
  { channel: "Stripe sk_live_ key", forbidden: [V.stripe], drive: (h) => chain(h, `stripe ${V.stripe}`) },
  { channel: "Stripe rk_live_ key", forbidden: [V.stripeRestricted], drive: (h) => chain(h, `stripe ${V.stripeRestricted}`) },
  { channel: "Google API key", forbidden: [V.google], drive: (h) => chain(h, `maps ${V.google}`) },
  { channel: "Azure AD client secret", forbidden: [V.azure], drive: (h) => chain(h, `secret ${V.azure}`) },
  { channel: "JWT", forbidden: [V.jwt.split(".")[1]!], drive: (h) => chain(h, `token ${V.jwt}`) },
  {
    channel: "card split across two messages of one request",
    forbidden: ["0343 6467", "1488 0343"],
    drive: (h) => {
      h.handleChatModelStart(CHAT, [[{ type: "human", content: "my card is 4539 1488" }, { type: "human", content: "0343 6467 thanks" }]], ROOT, undefined, {}, [], {}, "m");
      h.handleLLMEnd({ generations: [[{ text: "ok", message: { type: "ai", content: "ok" } }]] }, ROOT);
    },
  },
  {
    channel: "card split with a space across two messages, after an API key split across two others",
    forbidden: ["B7mkJa2GOYHaJR5R9WeA5Lc5", "Lz8lHIq1", "4539 1488", "0343 6467"],
    drive: (h) => {
      const messages = ["key sk-proj-B7mkJa2GOYHaJR5R9WeA5Lc5", "Lz8lHIq1 ok", "my card is 4539 1488", "0343 6467 thanks"];
      h.handleChatModelStart(CHAT, [messages.map((content) => ({ type: "human", content }))], ROOT, undefined, {}, [], {}, "m");
      h.handleLLMEnd({ generations: [[{ text: "ok", message: { type: "ai", content: "ok" } }]] }, ROOT);
    },
  },
  {
    channel: "API key split across two messages of one request",
    forbidden: ["B7mkJa2GOYHaJR5R9WeA5Lc5", "Lz8lHIq1"],
    drive: (h) => {
      h.handleChatModelStart(CHAT, [[{ type: "human", content: "key sk-proj-B7mkJa2GOYHaJR5R9WeA5Lc5" }, { type: "human", content: "Lz8lHIq1 ok" }]], ROOT, undefined, {}, [], {}, "m");
      h.handleLLMEnd({ generations: [[{ text: "ok", message: { type: "ai", content: "ok" } }]] }, ROOT);
    },
  },
];

/** Ordinary values that must come out exactly as they went in. */
const NEGATIVES = [
  "f47ac10b-58cc-4372-a567-0e02b2c3d479",
  "01890a5d-ac96-774b-bcce-b302099a8057",
  "2024-01-15T10:30:00.000Z",
  "15.01.2024",
  "01/15/2024",
  "$1,299.99",
  "€ 2.499,00",
  "v2.0.0-rc2",
  "10.0.19041.1",
  "ORD-2024-000123",
  "#100234",
  "192.168.1.1",
  "2001:db8::8a2e:370:7334",
  createHash("sha256").update("hello world").digest("hex"),
  "1718900000000",
];

const all = [...CHANNELS.map((row) => ({ ...row, table: "channel" })), ...EVASIONS.map((row) => ({ ...row, table: "evasion" }))];

beforeEach(() => {
  spanExporter.reset();
  logExporter.reset();
  metrics = setupMetrics();
});

describe("leak table: nothing raw leaves under the default policy (redacted)", () => {
  it(`covers ${CHANNELS.length} channels and ${EVASIONS.length} evasions`, () => {
    expect([CHANNELS.length, EVASIONS.length]).toEqual([25, 28]);
  });

  it.each(all.map((row) => [`${row.table}: ${row.channel}`, row] as const))("%s", async (_name, row) => {
    row.drive(handler());
    const text = await exported();
    // Something was exported (the row drove a run), and a redaction was counted.
    expect(text).toContain("langchain.run_id");
    expect(text).toMatch(/langchain\.redactions\.[a-z_]+/);
    expect(row.forbidden.filter((value) => text.includes(value))).toEqual([]);
  });

  it("the same rows under policy full do leak (the table can fail)", async () => {
    const leaking: Row[] = [];
    for (const row of all) {
      spanExporter.reset();
      logExporter.reset();
      metrics = setupMetrics();
      row.drive(handler({ contentPolicy: "full" }));
      const text = await exported();
      if (row.forbidden.some((value) => text.includes(value))) leaking.push(row);
    }
    // Every row's forbidden values include a part of what it sends as sent (an evasion's raw form), so each row
    // shows it under full: none of the rows above can pass by not exporting at all.
    expect(all.filter((row) => !leaking.includes(row)).map((row) => row.channel)).toEqual([]);
  });

  it("keeps UUIDs, dates, prices, versions, order numbers, IPs and hashes unchanged", () => {
    chain(handler(), { items: NEGATIVES, note: NEGATIVES.join(" ") }, NEGATIVES.join("; "), { metadata: { ref: NEGATIVES.join(",") } });
    const [span] = spans();
    const inputs = JSON.parse(String(span!.attributes["langchain.inputs"]));
    expect(inputs).toEqual({ items: NEGATIVES, note: NEGATIVES.join(" ") });
    expect(span!.attributes["langchain.outputs"]).toBe(NEGATIVES.join("; "));
    expect(span!.attributes["langchain.metadata.ref"]).toBe(NEGATIVES.join(","));
    expect(Object.keys(span!.attributes).filter((key) => key.startsWith("langchain.redactions."))).toEqual([]);
  });

  it("policy none: a short value's digest is keyed, so trying every SSN does not find it", () => {
    chain(handler({ contentPolicy: "none" }), { input: V.ssn });
    const digest = spans()[0]!.attributes["langchain.inputs.sha256"];
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toBe(createHash("sha256").update(JSON.stringify({ input: V.ssn })).digest("hex"));
  });
});
