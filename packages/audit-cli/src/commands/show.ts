// SPDX-License-Identifier: Apache-2.0
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_TYPE,
  ATTR_SESSION_ID,
  ATTR_TENANT_ID,
  ATTR_USER_ID,
  EVENT_INTERRUPT,
} from "@langchain-otel/instrumentation/semconv";
import { LineWriter, type CommandIo } from "../output.js";
import { expandPaths, type TrailFile } from "../trail/paths.js";
import { readTrail, type SpanItem } from "../trail/reader.js";
import { OTLP_STATUS_CODE_ERROR, attributeMap, nanosOf, numberAttr, stringAttr } from "../trail/values.js";
import { UsageError, parseCommandArgs, type ParsedArgs } from "../usage.js";
import { PAYLOAD_KEYS } from "../trail/payload-keys.js";
import { millisBetween, oneLine, truncate } from "../format/text.js";
import { addCost, roundUsd } from "../format/cost.js";

export const SHOW_HELP = `Usage: langchain-otel-audit show (--session <id> | --trace <id> | --run <id>) [options] [file|dir]...

Prints run trees rebuilt from the spans of a trail: each span under its parent span, children in start order,
one line each: name, [run type], duration in ms, status (ok, error with its error.type, interrupted) and tokens.
  --session <id>    every trace with a span whose session.id is <id>, oldest first
  --trace <id>      one trace: 32 hex digits, or the root run's UUID (with dashes)
  --run <id>        the run whose langchain.run_id is <id>, and the runs under it
Paths default to the current directory.

Options:
  --payloads        under each run, its (already redacted) inputs and outputs, cut to 200 characters
  -h, --help        show this help

Exit status: 0 when something was found, 1 when nothing matched, 2 on a usage error.
`;

const PAYLOAD_CHARS = 200;

/** What a tree line needs of a span; payloads only when asked for. */
interface RunNode {
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly line: string;
  /** The run's own `gen_ai.usage.cost`, summed per trace in its header. */
  readonly cost: number | undefined;
  readonly payloads: Array<readonly [string, string]>;
  readonly start: bigint;
  readonly session: string | undefined;
  readonly user: string | undefined;
  readonly tenant: string | undefined;
}

type Selection = { readonly kind: "session" | "run"; readonly id: string } | { readonly kind: "trace"; readonly id: string };

function selectionOf(values: ParsedArgs["values"]): Selection {
  const given = (["session", "trace", "run"] as const).filter((k) => typeof values[k] === "string");
  if (given.length !== 1) throw new UsageError("show needs exactly one of --session, --trace, --run");
  const kind = given[0]!;
  const id = values[kind] as string;
  if (kind !== "trace") return { kind, id };
  const hex = id.replaceAll("-", "").toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new UsageError(`--trace must be 32 hex digits or a UUID, got ${JSON.stringify(id)}`);
  return { kind, id: hex };
}

function runLine(item: SpanItem, attributes: ReturnType<typeof attributeMap>): string {
  const span = item.span;
  const parts = [typeof span.name === "string" ? span.name : "?"];
  const runType = stringAttr(attributes, ATTR_LANGCHAIN_RUN_TYPE);
  if (runType !== undefined) parts.push(`[${runType}]`);
  parts.push(`${millisBetween(nanosOf(span.startTimeUnixNano), nanosOf(span.endTimeUnixNano))} ms`);
  const errorType = stringAttr(attributes, ATTR_ERROR_TYPE);
  if (span.status?.code === OTLP_STATUS_CODE_ERROR) parts.push(errorType === undefined ? "error" : `error (${errorType})`);
  else if (Array.isArray(span.events) && span.events.some((e) => e?.name === EVENT_INTERRUPT)) parts.push("interrupted");
  else parts.push("ok");
  const input = numberAttr(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS);
  const output = numberAttr(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS);
  if (input !== undefined || output !== undefined) parts.push(`tokens ${input ?? 0} in, ${output ?? 0} out`);
  const cost = numberAttr(attributes, ATTR_GEN_AI_USAGE_COST);
  if (cost !== undefined) parts.push(`cost $${cost}`);
  return parts.join(" ");
}

export async function showCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(args, {
    session: { type: "string" },
    trace: { type: "string" },
    run: { type: "string" },
    payloads: { type: "boolean" },
  });
  if (parsed.help) {
    io.stdout.write(SHOW_HELP);
    return 0;
  }
  const selection = selectionOf(parsed.values);
  const withPayloads = parsed.values["payloads"] === true;
  const files = await expandPaths(parsed.positionals.length === 0 ? ["."] : parsed.positionals);

  const { traceIds, rootSpanId } = selection.kind === "trace" ? { traceIds: new Set([selection.id]), rootSpanId: undefined } : await findTraces(files, selection);
  const nodesByTrace = traceIds.size === 0 ? new Map<string, Map<string, RunNode>>() : await collectTraces(files, traceIds, withPayloads);
  if (nodesByTrace.size === 0) {
    io.stderr.write(`no spans found for ${selection.kind} ${selection.id}\n`);
    return 1;
  }

  const out = new LineWriter(io.stdout);
  const traces = [...nodesByTrace].map(([traceId, nodes]) => ({ traceId, nodes, roots: rootsOf(nodes, rootSpanId) }));
  traces.sort((a, b) => compareBig(a.roots[0]?.start ?? 0n, b.roots[0]?.start ?? 0n) || (a.traceId < b.traceId ? -1 : 1));
  let first = true;
  for (const { traceId, nodes, roots } of traces) {
    if (!first) await out.line("");
    first = false;
    const root = roots[0];
    const context = [
      root?.session === undefined ? "" : `session ${root.session}`,
      root?.user === undefined ? "" : `user ${root.user}`,
      root?.tenant === undefined ? "" : `tenant ${root.tenant}`,
    ].filter((s) => s !== "");
    const total = { costUsd: undefined as number | undefined };
    for (const node of nodes.values()) addCost(total, node.cost);
    if (total.costUsd !== undefined) context.push(`cost $${roundUsd(total.costUsd)}`);
    await out.line(`trace ${traceId}${context.length > 0 ? "  " + context.join("  ") : ""}`);
    const children = childrenOf(nodes);
    const walk = async (node: RunNode, depth: number): Promise<void> => {
      const indent = "  ".repeat(depth);
      await out.line(indent + node.line);
      for (const [key, value] of node.payloads) await out.line(`${indent}    ${key}: ${truncate(oneLine(value), PAYLOAD_CHARS)}`);
      for (const child of children.get(node.spanId) ?? []) await walk(child, depth + 1);
    };
    for (const r of roots) await walk(r, 0);
  }
  await out.flush();
  return 0;
}

function compareBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** First pass: the traces of a session, or the trace and span of a run. */
async function findTraces(files: readonly TrailFile[], selection: Selection): Promise<{ traceIds: Set<string>; rootSpanId: string | undefined }> {
  const traceIds = new Set<string>();
  let rootSpanId: string | undefined;
  const key = selection.kind === "session" ? ATTR_SESSION_ID : ATTR_LANGCHAIN_RUN_ID;
  await readTrail(files, {
    item(item) {
      if (item.signal !== "traces" || typeof item.span.traceId !== "string") return;
      const attributes = attributeMap(item.span.attributes);
      if (stringAttr(attributes, key) !== selection.id) return;
      traceIds.add(item.span.traceId.toLowerCase());
      if (selection.kind === "run" && typeof item.span.spanId === "string") rootSpanId = item.span.spanId.toLowerCase();
    },
    malformed() {},
  });
  return { traceIds, rootSpanId };
}

/** Second pass: every span of the selected traces, first delivery of each span ID. */
async function collectTraces(files: readonly TrailFile[], traceIds: Set<string>, withPayloads: boolean): Promise<Map<string, Map<string, RunNode>>> {
  const byTrace = new Map<string, Map<string, RunNode>>();
  await readTrail(files, {
    item(item) {
      if (item.signal !== "traces" || typeof item.span.traceId !== "string" || typeof item.span.spanId !== "string") return;
      const traceId = item.span.traceId.toLowerCase();
      if (!traceIds.has(traceId)) return;
      let nodes = byTrace.get(traceId);
      if (nodes === undefined) byTrace.set(traceId, (nodes = new Map()));
      const spanId = item.span.spanId.toLowerCase();
      if (nodes.has(spanId)) return;
      const attributes = attributeMap(item.span.attributes);
      const payloads: Array<readonly [string, string]> = [];
      if (withPayloads) {
        for (const key of PAYLOAD_KEYS) {
          const value = stringAttr(attributes, key);
          if (value !== undefined) payloads.push([key, value]);
        }
      }
      nodes.set(spanId, {
        spanId,
        parentSpanId: typeof item.span.parentSpanId === "string" ? item.span.parentSpanId.toLowerCase() : "",
        line: runLine(item, attributes),
        cost: numberAttr(attributes, ATTR_GEN_AI_USAGE_COST),
        payloads,
        start: nanosOf(item.span.startTimeUnixNano),
        session: stringAttr(attributes, ATTR_SESSION_ID),
        user: stringAttr(attributes, ATTR_USER_ID),
        tenant: stringAttr(attributes, ATTR_TENANT_ID),
      });
    },
    malformed() {},
  });
  return byTrace;
}

function byStart(a: RunNode, b: RunNode): number {
  return compareBig(a.start, b.start) || (a.spanId < b.spanId ? -1 : 1);
}

/** Children of each span, in start order. */
function childrenOf(nodes: Map<string, RunNode>): Map<string, RunNode[]> {
  const children = new Map<string, RunNode[]>();
  for (const node of nodes.values()) {
    if (!nodes.has(node.parentSpanId)) continue;
    let list = children.get(node.parentSpanId);
    if (list === undefined) children.set(node.parentSpanId, (list = []));
    list.push(node);
  }
  for (const list of children.values()) list.sort(byStart);
  return children;
}

/** The span asked for (`--run`), else the spans whose parent is not in the file (a trace may have several). */
function rootsOf(nodes: Map<string, RunNode>, rootSpanId: string | undefined): RunNode[] {
  if (rootSpanId !== undefined && nodes.has(rootSpanId)) return [nodes.get(rootSpanId)!];
  return [...nodes.values()].filter((n) => !nodes.has(n.parentSpanId)).sort(byStart);
}
