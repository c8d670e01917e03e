// SPDX-License-Identifier: Apache-2.0
// One redaction measurement in a fresh process: node --expose-gc src/redaction-child.mjs '<json spec>'
// spec.kind "engine":  { generator, sizes: [bytes...], warmups, repeats } → best time of Redactor.redactString per
//                      size, after `warmups` untimed calls.
// spec.kind "chain":   { input: { generator, size }, traced } → wall time of one invoke of prompt | model | parser
//                      with the OpenTelemetryCallbackHandler (default options: policy redacted), or untraced.
// Prints one line "BENCH_RESULT <json>" on stdout.
import { GENERATORS } from "../../packages/instrumentation/test/redaction/generators.ts";

const RESULT_PREFIX = "BENCH_RESULT ";

function report(result) {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

function generator(name) {
  const found = GENERATORS.find((g) => g.name === name);
  if (found === undefined) throw new Error(`no generator named ${JSON.stringify(name)}`);
  return found;
}

async function engine(spec) {
  const { Redactor } = await import("@langchain-otel/instrumentation");
  const redactor = new Redactor();
  const make = generator(spec.generator).make;
  const millis = {};
  for (const size of spec.sizes) {
    const text = make(size);
    // Untimed calls on the same input first: the timed ones measure the optimised engine, as a long-running app
    // runs it, not the compiler (CPU time counts its threads too) finishing on the first megabyte.
    for (let w = 0; w < spec.warmups; w++) redactor.redactString(text);
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < spec.repeats; r++) {
      globalThis.gc?.();
      // CPU time of this process: what the scan costs, less what other processes on the machine take.
      const before = process.cpuUsage();
      redactor.redactString(text);
      const used = process.cpuUsage(before);
      best = Math.min(best, (used.user + used.system) / 1000);
    }
    millis[size] = best;
  }
  return { millis };
}

async function chain(spec) {
  const { ChatPromptTemplate } = await import("@langchain/core/prompts");
  const { StringOutputParser } = await import("@langchain/core/output_parsers");
  const { FakeListChatModel } = await import("@langchain/core/utils/testing");
  const { OpenTelemetryCallbackHandler } = await import("@langchain-otel/instrumentation");
  const { startTracing } = await import("./modes/otel.mjs");
  const tracing = startTracing();
  const pipeline = ChatPromptTemplate.fromMessages([
    ["system", "Summarise what the user pasted."],
    ["human", "{question}"],
  ])
    .pipe(new FakeListChatModel({ responses: ["Here is the summary you asked for."] }))
    .pipe(new StringOutputParser());
  const question = generator(spec.input.generator).make(spec.input.size);
  const config = spec.traced ? { callbacks: [new OpenTelemetryCallbackHandler()] } : {};
  // One warm-up invoke on a short input: the timed invoke measures the input, not the first-call setup.
  await pipeline.invoke({ question: "warm up" }, config);
  globalThis.gc?.();
  const t0 = performance.now();
  await pipeline.invoke({ question }, config);
  const millis = performance.now() - t0;
  await tracing.flush();
  return { millis, spans: tracing.spanCount() };
}

const spec = JSON.parse(process.argv[2] ?? "{}");
(spec.kind === "engine" ? engine(spec) : chain(spec)).then(
  (result) => {
    report(result);
    process.exit(0);
  },
  (err) => {
    report({ error: String(err?.stack ?? err) });
    process.exit(1);
  },
);
