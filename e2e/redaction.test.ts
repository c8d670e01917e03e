// SPDX-License-Identifier: Apache-2.0
// "Nothing sensitive leaves": an app whose prompt, model output, tool arguments and result, run metadata (user_id
// is an email) and a thrown error all carry an OpenAI-style API key, an email, a card number and a phone number,
// run with the distro's default content policy (redacted) against the real stack. None of the raw values, nor the
// digits of the card and phone, may appear in the collector's audit files, in Jaeger's answers for the app's
// traces, or in the SIEM's file; the typed markers and the redaction counts must. The same app under
// LANGCHAIN_OTEL_CONTENT_POLICY=full shows the check can fail: then the raw values are there.
import { readFileSync, statSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { endpoints, otlpAuthHeaders } from "../collector-config/scripts/stack.mjs";
import { type NodeRun, otlpAppEnv, runNode } from "./support/child.ts";
import { getJaegerTraceText } from "./support/jaeger.ts";
import { type FileLogRecord, type FileSpan, readFileSpans, readLogRecords, readSpanServices } from "./support/otlp-files.ts";
import { pollUntil } from "./support/poll.ts";
import { parseRfc5424, readSyslogLines } from "./support/rfc5424.ts";
import { traceIdOfRun } from "./support/run-ids.ts";
import { RUN_ERROR, siemParams } from "./support/runs.ts";
import { FIXTURES_DIR } from "./support/sequential-app.ts";
import { useStack } from "./support/stack.ts";

/** The values the app puts everywhere. The card is a Luhn-valid test number (checked below), the phone a UK drama number. */
const SECRETS = {
  apiKey: "sk-proj-B7mkJa2GOYHaJR5R9WeA5Lc5Lz8lHIq1",
  email: "maria.kowalska@example.org",
  card: "4539 1488 0343 6467",
  phone: "+44 20 7946 0958",
};
/** Evasions of the detectors the app appends to its question: each must be redacted all the same. */
const EVASIONS = {
  "percent-encoded e-mail": "ana.silva%40example.net",
  "zero-width card": "5425\u200b2334\u200c3010\u20609903",
  "dot-separated card": "5425.2334.3010.9903",
  "NBSP-separated SSN": "078\u00a005\u00a01120",
  "fullwidth e-mail": "ana.silva\uff20example.net",
  "Stripe key": "sk_live_51HxQ2kLmP0qRsT5uVwX9yA2bC3dE4fG5",
  "password in a nested JSON string": '{"user":"ana","password":"s3cr3t-Pw"}',
  "base64-wrapped e-mail": Buffer.from("reach me at ana.silva@example.net").toString("base64"),
  "PEM private key": "-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+\n-----END PRIVATE KEY-----",
};
/** What must not appear of the evasions (their raw form, and what normalising them would show). */
const EVASION_FORBIDDEN: Record<string, string> = {
  ...EVASIONS,
  "evaded e-mail": "ana.silva@example.net",
  "evaded card digits": "5425233430109903",
  "evaded SSN": "078-05-1120",
  "nested password": "s3cr3t-Pw",
  "PEM body": "MIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEAq7BFUpkGp3+",
  "metadata password": "hunter2",
};
/** The detector kinds these values are reported as (`[REDACTED:<kind>]`, `langchain.redactions.<kind>`). */
const KINDS = ["api_key", "email", "card_number", "phone"] as const;

const digitsOnly = (value: string) => value.replace(/\D/g, "");
/** What must not appear: each raw value, the key without its prefix, and the card and phone as bare digits. */
const FORBIDDEN: Record<string, string> = {
  "API key": SECRETS.apiKey,
  "API key body": SECRETS.apiKey.slice("sk-proj-".length),
  email: SECRETS.email,
  card: SECRETS.card,
  "card digits": digitsOnly(SECRETS.card),
  phone: SECRETS.phone,
  "phone digits": digitsOnly(SECRETS.phone),
};

/** The app's runs: support_request (prompt, model, tool, model under it) and charge_card, which throws. */
const EXPECTED_SPANS = 6;
const EXPECTED_RECORDS = 2 * EXPECTED_SPANS;
const DELIVERY_TIMEOUT_MILLIS = 30_000;

const stack = useStack("redaction");

function luhnValid(number: string): boolean {
  const digits = digitsOnly(number).split("").reverse().map(Number);
  const sum = digits.reduce((total, d, i) => total + (i % 2 === 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d), 0);
  return digits.length >= 13 && sum % 10 === 0;
}

/** The names of the forbidden values found in `text` (the plain values, and with `evasions` their evasions too). */
function leaksIn(text: string, evasions = true): string[] {
  return Object.entries(evasions ? { ...FORBIDDEN, ...EVASION_FORBIDDEN } : FORBIDDEN)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

/** Bytes of a file from `offset` on ("" when it does not exist). */
function fileFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString("utf8");
  } catch {
    return "";
  }
}

const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

interface AppRun {
  process: NodeRun;
  /** Root runs as the app reported them. */
  roots: { runId: string; status: string }[];
}

async function runApp(service: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<AppRun> {
  // The key on the command line too: process.command_args must not carry it to any sink.
  const child = await runNode(["--import", "@langchain-otel/node/register", "src/sensitive-support.mjs", `--api-key=${SECRETS.apiKey}`], {
    cwd: FIXTURES_DIR,
    env: otlpAppEnv(service, {
      E2E_API_KEY: SECRETS.apiKey,
      E2E_EMAIL: SECRETS.email,
      E2E_CARD: SECRETS.card,
      E2E_PHONE: SECRETS.phone,
      E2E_EVASIONS: JSON.stringify(Object.values(EVASIONS)),
      ...extraEnv,
    }),
    timeoutMillis: 60_000,
  });
  const roots = child.stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as { runId: string; status: string });
  return { process: child, roots };
}

/** Everything the stack holds of one app run: its spans and records, its SIEM lines, Jaeger's answer per root run. */
interface Sinks {
  spans: FileSpan[];
  records: FileLogRecord[];
  siemLines: string[];
  jaeger: Map<string, string | undefined>;
}

async function readSinks(service: string, roots: AppRun["roots"]): Promise<Sinks> {
  const services = readSpanServices(stack.paths.tracesFile);
  return {
    spans: readFileSpans(stack.paths.tracesFile).filter((s) => services.get(s.spanId) === service),
    records: readLogRecords(stack.paths.logsFile).filter((r) => r.resource["service.name"] === service),
    siemLines: readSyslogLines(stack.paths.siemFile).filter((line) => parseRfc5424(line).appName === service),
    jaeger: new Map(await Promise.all(roots.map(async ({ runId }) => [runId, await getJaegerTraceText(traceIdOfRun(runId))] as const))),
  };
}

const jaegerSpanCount = (text: string | undefined) => (text === undefined ? 0 : (JSON.parse(text).data?.[0]?.spans?.length ?? 0));

/** Waits until every sink holds all of the run: spans and records in the files, a SIEM line per record, each trace whole in Jaeger. */
async function deliveredSinks(service: string, roots: AppRun["roots"]): Promise<Sinks> {
  const { value, satisfied } = await pollUntil(
    () => readSinks(service, roots),
    (s) =>
      s.spans.length >= EXPECTED_SPANS &&
      s.records.length >= EXPECTED_RECORDS &&
      s.siemLines.length >= EXPECTED_RECORDS &&
      roots.every(({ runId }) => jaegerSpanCount(s.jaeger.get(runId)) === s.spans.filter((span) => span.traceId === traceIdOfRun(runId)).length),
    { timeoutMillis: DELIVERY_TIMEOUT_MILLIS, intervalMillis: 500 },
  );
  if (value === undefined) throw new Error(`could not read the sinks of ${service}`);
  if (!satisfied) console.log(`[redaction] ${service}: not everything arrived within ${DELIVERY_TIMEOUT_MILLIS} ms`);
  return value;
}

const jaegerText = (sinks: Sinks) => [...sinks.jaeger.values()].map((text) => text ?? "").join("\n");
/** Jaeger's JSON with its escapes undone (\u002b and the like), so an escaped value is found too. */
const jaegerDecoded = (sinks: Sinks) => [...sinks.jaeger.values()].map((text) => (text === undefined ? "" : JSON.stringify(JSON.parse(text)))).join("\n");

describe("the app's sensitive values are what the test says they are", () => {
  it("the card number is Luhn-valid and every value is distinct", () => {
    expect(luhnValid(SECRETS.card)).toBe(true);
    expect(SECRETS.apiKey).toMatch(/^sk-proj-[A-Za-z0-9]{32}$/);
    expect(new Set(Object.values(FORBIDDEN)).size).toBe(Object.keys(FORBIDDEN).length);
    expect(luhnValid("5425233430109903")).toBe(true);
  });
});

describe("default content policy (redacted): nothing sensitive leaves", () => {
  const service = "e2e-redaction";
  let app: AppRun;
  let sinks: Sinks;
  /** The whole files as they are once the app's telemetry has arrived (only this app has written to them). */
  let files: { traces: string; logs: string; siem: string };

  beforeAll(async () => {
    app = await runApp(service);
    sinks = await deliveredSinks(service, app.roots);
    files = { traces: fileFrom(stack.paths.tracesFile, 0), logs: fileFrom(stack.paths.logsFile, 0), siem: fileFrom(stack.paths.siemFile, 0) };
    console.log(
      `[redaction] ${service}: exit ${app.process.code}; ${sinks.spans.length} spans, ${sinks.records.length} records, ` +
        `${sinks.siemLines.length} SIEM lines, Jaeger spans ${app.roots.map(({ runId }) => jaegerSpanCount(sinks.jaeger.get(runId))).join("+")}`,
    );
  }, 90_000);

  it("runs both requests (the second throws) and exits 0", () => {
    expect({ timedOut: app.process.timedOut, code: app.process.code, stderr: app.process.stderr }).toEqual({ timedOut: false, code: 0, stderr: "" });
    expect(app.roots.map((r) => r.status)).toEqual(["ok", "error"]);
  });

  it("every sink holds all of the app's telemetry (so the checks below cover all of it)", () => {
    expect({ spans: sinks.spans.length, records: sinks.records.length, siemLines: sinks.siemLines.length }).toEqual({
      spans: EXPECTED_SPANS,
      records: EXPECTED_RECORDS,
      siemLines: EXPECTED_RECORDS,
    });
    expect(sinks.spans.map((s) => s.name).sort()).toEqual(
      ["ChatPromptTemplate", "charge_card", "chat leaky-model-1", "chat leaky-model-1", "execute_tool lookup_customer", "support_request"].sort(),
    );
    for (const { runId } of app.roots) {
      expect(jaegerSpanCount(sinks.jaeger.get(runId)), `Jaeger trace of ${runId}`).toBe(sinks.spans.filter((s) => s.traceId === traceIdOfRun(runId)).length);
    }
  });

  it("no raw value, evasion or command-line argument is in audit/traces.jsonl, audit/logs.jsonl, Jaeger or siem/received.log", () => {
    expect({
      "audit/traces.jsonl": leaksIn(files.traces),
      "audit/logs.jsonl": leaksIn(files.logs),
      "Jaeger /api/traces/<id>": [...new Set([...leaksIn(jaegerText(sinks)), ...leaksIn(jaegerDecoded(sinks))])],
      "siem/received.log": leaksIn(files.siem),
    }).toEqual({ "audit/traces.jsonl": [], "audit/logs.jsonl": [], "Jaeger /api/traces/<id>": [], "siem/received.log": [] });
    // The resource of every span and record: no command line, and nothing raw in what is left.
    for (const item of [...sinks.spans, ...sinks.records]) expect((item as { resource?: Record<string, unknown> }).resource?.["process.command_args"]).toBeUndefined();
    expect(files.traces.includes("process.command_args")).toBe(false);
  });

  it("the other channels are redacted too: metadata keys, tags, the custom event's name, the error's name", () => {
    const root = sinks.spans.find((s) => s.name === "support_request")!;
    expect(root.attributes["langchain.tags"]).toEqual(["customer:[REDACTED:email]"]);
    expect(Object.keys(root.attributes).filter((key) => key.startsWith("langchain.metadata.contact"))).toEqual(["langchain.metadata.contact [REDACTED:email]"]);
    expect(root.attributes["langchain.metadata.db_password"]).toBe("[REDACTED:secret]");
    expect(files.traces).toContain("lookup [REDACTED:email]");
    const charge = sinks.spans.find((s) => s.name === "charge_card")!;
    expect(charge.attributes["error.type"]).toBe("[REDACTED:email]");
  });

  it("each value is replaced by its typed marker in the files and in Jaeger, and user.id is redacted in the SIEM", () => {
    for (const kind of KINDS) {
      const marker = `[REDACTED:${kind}]`;
      expect({ kind, traces: files.traces.includes(marker), logs: files.logs.includes(marker), jaeger: jaegerDecoded(sinks).includes(marker) }).toEqual({
        kind,
        traces: true,
        logs: true,
        jaeger: true,
      });
    }
    const siemUserIds = sinks.siemLines.map((line) => siemParams(parseRfc5424(line))["user.id"]);
    expect(new Set(siemUserIds)).toEqual(new Set(["[REDACTED:email]"]));
  });

  it("the payloads keep their shape with the values replaced: tool arguments and result, user id, the error", () => {
    const tool = sinks.spans.find((s) => s.name === "execute_tool lookup_customer")!;
    expect(JSON.parse(String(tool.attributes["gen_ai.tool.call.arguments"]))).toEqual({
      email: "[REDACTED:email]",
      card: "[REDACTED:card_number]",
      phone: "[REDACTED:phone]",
      api_key: "[REDACTED:api_key]",
    });
    expect(tool.attributes["gen_ai.tool.call.result"]).toBe(
      "customer [REDACTED:email]: card [REDACTED:card_number], phone [REDACTED:phone], integration key [REDACTED:api_key]",
    );
    for (const item of [...sinks.spans, ...sinks.records]) expect(item.attributes["user.id"]).toBe("[REDACTED:email]");

    const message = "charge of 12.50 EUR declined for card [REDACTED:card_number] (customer [REDACTED:email], phone [REDACTED:phone], key [REDACTED:api_key])";
    const charge = sinks.spans.find((s) => s.name === "charge_card") as FileSpan & {
      status?: { code?: number; message?: string };
      events?: { name: string; attributes?: { key: string; value: { stringValue?: string } }[] }[];
    };
    expect(charge.status).toEqual({ code: 2, message });
    const exception = charge.events?.find((e) => e.name === "exception");
    expect(exception?.attributes?.find((a) => a.key === "exception.message")?.value.stringValue).toBe(message);
    const errorRecord = sinks.records.find((r) => r.attributes["event.name"] === RUN_ERROR);
    expect(errorRecord?.attributes["langchain.run_name"]).toBe("charge_card");
  });

  it("every span counts each kind it replaced (langchain.redactions.<kind>), and so does every record", () => {
    for (const span of sinks.spans) {
      // Every run sees every value: the metadata holds the email, card and phone, each run's payload or error the key.
      const counts = Object.fromEntries(KINDS.map((kind) => [kind, Number(span.attributes[`langchain.redactions.${kind}`] ?? 0) > 0]));
      expect({ span: span.name, ...counts }).toEqual({ span: span.name, api_key: true, email: true, card_number: true, phone: true });
    }
    for (const record of sinks.records) {
      const total = Object.entries(record.attributes)
        .filter(([key]) => key.startsWith("langchain.redactions."))
        .reduce((sum, [, value]) => sum + Number(value), 0);
      expect({ record: `${record.attributes["event.name"]} ${record.attributes["langchain.run_name"]}`, counted: total > 0 }).toEqual({
        record: `${record.attributes["event.name"]} ${record.attributes["langchain.run_name"]}`,
        counted: true,
      });
    }
    for (const kind of KINDS) {
      const inRecords = sinks.records.reduce((sum, r) => sum + Number(r.attributes[`langchain.redactions.${kind}`] ?? 0), 0);
      expect({ kind, inRecords: inRecords > 0 }).toEqual({ kind, inRecords: true });
    }
  });
});

describe("LANGCHAIN_OTEL_CONTENT_POLICY=full: the same app, so the check above can fail", () => {
  const service = "e2e-redaction-full";
  let app: AppRun;
  let sinks: Sinks;
  let files: { traces: string; logs: string; siem: string };

  beforeAll(async () => {
    // This run appends to the same files: only what it adds is read.
    const offsets = { traces: sizeOf(stack.paths.tracesFile), logs: sizeOf(stack.paths.logsFile), siem: sizeOf(stack.paths.siemFile) };
    app = await runApp(service, { LANGCHAIN_OTEL_CONTENT_POLICY: "full" });
    sinks = await deliveredSinks(service, app.roots);
    files = {
      traces: fileFrom(stack.paths.tracesFile, offsets.traces),
      logs: fileFrom(stack.paths.logsFile, offsets.logs),
      siem: fileFrom(stack.paths.siemFile, offsets.siem),
    };
  }, 90_000);

  it("the raw values are in the audit files; the second line keeps them out of Jaeger and the SIEM", () => {
    expect({ code: app.process.code, roots: app.roots.map((r) => r.status) }).toEqual({ code: 0, roots: ["ok", "error"] });
    const raw = ["API key", "API key body", "email", "card", "phone", "percent-encoded e-mail", "zero-width card", "dot-separated card", "fullwidth e-mail", "Stripe key", "base64-wrapped e-mail", "nested password", "metadata password"];
    // The audit files hold exactly what the app exported (the collector's file branches change nothing).
    expect({ "audit/traces.jsonl": leaksIn(files.traces), "audit/logs.jsonl": leaksIn(files.logs) }).toEqual({
      "audit/traces.jsonl": expect.arrayContaining(raw),
      "audit/logs.jsonl": expect.arrayContaining(raw),
    });
    // Jaeger and the SIEM sit behind the collector's second line (redaction/second_line and transform/second_line,
    // generated from the detectors): no plain value gets through there, though the app sent them all.
    const around = (text: string) =>
      Object.values(FORBIDDEN).flatMap((value) => {
        const at = text.indexOf(value);
        return at === -1 ? [] : [text.slice(Math.max(0, at - 200), at + value.length + 40)];
      });
    expect(
      {
        jaeger: [...new Set([...leaksIn(jaegerText(sinks), false), ...leaksIn(jaegerDecoded(sinks), false)])],
        siem: leaksIn(files.siem, false),
      },
      JSON.stringify([...around(jaegerDecoded(sinks)), ...around(files.siem)]),
    ).toEqual({ jaeger: [], siem: [] });
  });
});

describe("the collector's second line on its own: raw values sent straight over OTLP", () => {
  const service = "e2e-second-line";
  const traceId = "5ec0d11e5ec0d11e5ec0d11e5ec0d11e";
  // Every place the first line would have redacted: span name, attribute key and value, status message, event name
  // and attributes, resource attributes; a log record's attributes, body and resource.
  const RAW: Record<string, string> = {
    email: "ana.silva@example.net",
    "API key": "sk-proj-B7mkJa2GOYHaJR5R9WeA5Lc5Lz8lHIq1",
    phone: "+44 20 7946 0958",
    SSN: "078-05-1120",
    IBAN: "DE89370400440532013000",
    JWT: "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "dot-separated card": "5425.2334.3010.9903",
    "command-line key": "--api-key=sk-proj-Zx81kLmP0qRsT5uVwX9yA2bC3dE4fG5h",
  };
  const str = (value: string) => ({ stringValue: value });
  const resource = {
    attributes: [
      { key: "service.name", value: str(service) },
      { key: "deployment.owner", value: str(RAW.email!) },
      { key: "process.command_args", value: { arrayValue: { values: [str("node"), str(RAW["command-line key"]!)] } } },
    ],
  };
  let files: { traces: string; logs: string; siem: string };
  let jaeger: string;
  const sizes = { traces: 0, logs: 0, siem: 0 };

  beforeAll(async () => {
    Object.assign(sizes, { traces: sizeOf(stack.paths.tracesFile), logs: sizeOf(stack.paths.logsFile), siem: sizeOf(stack.paths.siemFile) });
    const now = BigInt(Date.now()) * 1_000_000n;
    const traces = {
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              scope: { name: "e2e" },
              spans: [
                {
                  traceId,
                  spanId: "5ec0d11e00000001",
                  name: `mail ${RAW.email}`,
                  kind: 1,
                  startTimeUnixNano: String(now),
                  endTimeUnixNano: String(now + 1_000_000n),
                  attributes: [
                    { key: `langchain.metadata.${RAW.email}`, value: str("vip") },
                    { key: "note", value: str(`ssn ${RAW.SSN}, iban ${RAW.IBAN}, card ${RAW["dot-separated card"]}, jwt ${RAW.JWT}`) },
                    { key: "langchain.tags", value: { arrayValue: { values: [str(`key ${RAW["API key"]}`)] } } },
                  ],
                  events: [{ timeUnixNano: String(now), name: `call ${RAW.phone}`, attributes: [{ key: "detail", value: str(RAW.email!) }] }],
                  status: { code: 2, message: `declined for ${RAW.email}` },
                },
              ],
            },
          ],
        },
      ],
    };
    const logs = {
      resourceLogs: [
        {
          resource,
          scopeLogs: [
            {
              scope: { name: "e2e" },
              logRecords: [
                {
                  timeUnixNano: String(now),
                  severityNumber: 9,
                  traceId,
                  spanId: "5ec0d11e00000001",
                  body: str(`customer ${RAW.email} phone ${RAW.phone}`),
                  attributes: [
                    { key: "event.name", value: str("langchain.run.start") },
                    { key: "user.id", value: str(RAW.email!) },
                    { key: "langchain.inputs", value: str(`key ${RAW["API key"]} ssn ${RAW.SSN}`) },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    // With the stack's bearer token, as an app's exporter sends it (the receiver refuses OTLP without it).
    const headers = { "content-type": "application/json", ...otlpAuthHeaders({ stackDir: stack.stackDir }) };
    for (const [url, body] of [[endpoints().otlpTraces, traces], [endpoints().otlpLogs, logs]] as const) {
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
      expect(response.status).toBe(200);
    }
    const { value } = await pollUntil(
      async () => ({ jaeger: (await getJaegerTraceText(traceId)) ?? "", siem: fileFrom(stack.paths.siemFile, sizes.siem) }),
      (v) => v.jaeger !== "" && v.siem.includes(service),
      { timeoutMillis: DELIVERY_TIMEOUT_MILLIS, intervalMillis: 500 },
    );
    jaeger = value?.jaeger === "" || value === undefined ? "" : JSON.stringify(JSON.parse(value.jaeger));
    files = { traces: fileFrom(stack.paths.tracesFile, sizes.traces), logs: fileFrom(stack.paths.logsFile, sizes.logs), siem: value?.siem ?? "" };
  }, 90_000);

  const found = (text: string) => Object.entries(RAW).filter(([, v]) => text.includes(v)).map(([name]) => name);

  it("the audit files hold them unchanged (the file pipelines have no redaction: integrity)", () => {
    expect(found(files.traces)).toEqual(Object.keys(RAW));
    expect(found(files.logs)).toEqual(expect.arrayContaining(["email", "API key", "phone", "SSN", "command-line key"]));
  });

  it("Jaeger and the SIEM get none of them: names, keys, values, status, events and resource attributes masked", () => {
    expect(jaeger).not.toBe("");
    expect(files.siem).toContain(service);
    expect({ jaeger: found(jaeger), siem: found(files.siem) }).toEqual({ jaeger: [], siem: [] });
    expect(jaeger).toContain("****");
  });
});
