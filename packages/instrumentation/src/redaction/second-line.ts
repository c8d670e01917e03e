// SPDX-License-Identifier: Apache-2.0
/**
 * The collector's second line of redaction, generated from the detector set: the processors of otelcol.yaml
 * between `# BEGIN GENERATED second line` and `# END GENERATED second line` are this module's output
 * (`node collector-config/scripts/second-line.mjs` writes them; a unit test fails when the file and the detectors
 * drift apart).
 *
 * The patterns are each detector's `secondLine` RE2 patterns: the same shapes, without what RE2 cannot do
 * (checksums, entropy, JWT headers, decoding). So the second line masks more than the first (any card-shaped
 * digit groups, not only Luhn-valid ones) and sees no evasion (percent-encoding, base64, invisible characters):
 * the first line, in-process, is the one that normalises.
 */

import {
  ATTR_AUDIT_CHAIN,
  ATTR_AUDIT_CHECKPOINT_CHAIN,
  ATTR_AUDIT_CHECKPOINT_HEAD,
  ATTR_AUDIT_CHECKPOINT_KEY_ID,
  ATTR_AUDIT_CHECKPOINT_PREV,
  ATTR_AUDIT_CHECKPOINT_SIGNATURE,
  ATTR_AUDIT_HASH,
  ATTR_AUDIT_SEQ,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_SERVICE_INSTANCE_ID,
} from "../semconv.js";
import { DETECTORS } from "./detectors.js";
import { SECRET_KEY_SUFFIXES } from "./secret-keys.js";

/** Marker lines around the generated block in otelcol.yaml. */
export const SECOND_LINE_BEGIN = "  # BEGIN GENERATED second line";
export const SECOND_LINE_END = "  # END GENERATED second line";

/** What a masked match becomes (the redaction processor's fixed mask). */
const MASK = "****";

/** Attributes the second line leaves alone: identity and integrity fields we generate, and the redaction counts. */
const IGNORED_KEYS = [
  ATTR_AUDIT_HASH,
  ATTR_AUDIT_SEQ,
  ATTR_AUDIT_CHAIN,
  ATTR_AUDIT_CHECKPOINT_CHAIN,
  ATTR_AUDIT_CHECKPOINT_HEAD,
  ATTR_AUDIT_CHECKPOINT_PREV,
  ATTR_AUDIT_CHECKPOINT_KEY_ID,
  ATTR_AUDIT_CHECKPOINT_SIGNATURE,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_SERVICE_INSTANCE_ID,
];
const IGNORED_KEY_PATTERNS = [String.raw`^langchain\.redactions\.`, String.raw`^redaction\.`];

/** Every RE2 pattern of the second line, with the kind it masks, in detector priority order. */
export function secondLinePatterns(): { kind: string; pattern: string }[] {
  const out: { kind: string; pattern: string }[] = [];
  for (const detector of DETECTORS) for (const pattern of detector.secondLine) out.push({ kind: detector.kind, pattern });
  return out;
}

/**
 * Keys whose whole value is a secret (`password`, `client_secret`, `X-Api-Key`, …), as one RE2 pattern made from
 * {@link SECRET_KEY_SUFFIXES}: each ending with any run of `-` and `_` allowed between its letters and after it,
 * case ignored, as `isSecretKey` reads a key.
 */
export const SECRET_KEY_PATTERN = `(?i)(?:${SECRET_KEY_SUFFIXES.map((suffix) => [...suffix].join("[-_]*")).join("|")})[-_]*$`;

const yamlSingle = (text: string): string => `'${text.replaceAll("'", "''")}'`;
const ottlString = (text: string): string => `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;

/** The generated block of otelcol.yaml (processors, two-space indented), ending with a newline. */
export function secondLineYaml(): string {
  const patterns = secondLinePatterns();
  const lines: string[] = [
    SECOND_LINE_BEGIN + " (node collector-config/scripts/second-line.mjs, from packages/instrumentation/src/redaction/detectors.ts)",
    "  # Second line of defence on the Jaeger and SIEM branches only (never the file pipelines: integrity). Content is",
    "  # redacted in-process; what still has the shape of a detector's finding is masked here, in attribute values",
    "  # (resource, scope, span, event, log record attributes and log bodies; arrays and numbers too: redact_all_types)",
    "  # and, by transform/second_line, in span names, status messages, event names and attribute keys.",
    "  redaction/second_line:",
    "    allow_all_keys: true",
    "    redact_all_types: true",
    "    blocked_values:",
    ...patterns.map(({ kind, pattern }) => `      - ${yamlSingle(pattern)} # ${kind}`),
    "    blocked_key_patterns:",
    `      - ${yamlSingle(SECRET_KEY_PATTERN)} # secret-named keys: the whole value`,
    "    ignored_keys:",
    ...IGNORED_KEYS.map((key) => `      - ${key}`),
    "    ignored_key_patterns:",
    ...IGNORED_KEY_PATTERNS.map((pattern) => `      - ${yamlSingle(pattern)}`),
    "    summary: info",
    "  transform/second_line:",
    "    error_mode: ignore",
  ];
  // One group per context: a group's context is the lowest its statements need, and a spanevent group would only
  // run on spans that have events.
  const group = (signal: string, groups: [context: string, statements: (re: string) => string[]][]): void => {
    lines.push(`    ${signal}:`);
    for (const [context, statements] of groups) {
      lines.push(`      - context: ${context}`, "        statements:");
      for (const { pattern } of patterns) for (const statement of statements(ottlString(pattern))) lines.push(`          - ${yamlSingle(statement)}`);
    }
  };
  group("trace_statements", [
    ["resource", (re) => [`replace_all_patterns(resource.attributes, "key", ${re}, "${MASK}")`]],
    [
      "span",
      (re) => [
        `replace_pattern(span.name, ${re}, "${MASK}")`,
        `replace_pattern(span.status.message, ${re}, "${MASK}")`,
        `replace_all_patterns(span.attributes, "key", ${re}, "${MASK}")`,
      ],
    ],
    ["spanevent", (re) => [`replace_pattern(spanevent.name, ${re}, "${MASK}")`, `replace_all_patterns(spanevent.attributes, "key", ${re}, "${MASK}")`]],
  ]);
  group("log_statements", [
    ["resource", (re) => [`replace_all_patterns(resource.attributes, "key", ${re}, "${MASK}")`]],
    ["log", (re) => [`replace_all_patterns(log.attributes, "key", ${re}, "${MASK}")`]],
  ]);
  lines.push(SECOND_LINE_END);
  return `${lines.join("\n")}\n`;
}

/** `config` (otelcol.yaml's text) with its generated block replaced by {@link secondLineYaml}. Throws without markers. */
export function withSecondLine(config: string): string {
  const begin = config.indexOf(SECOND_LINE_BEGIN);
  const endMarker = config.indexOf(SECOND_LINE_END, begin);
  if (begin === -1 || endMarker === -1) throw new Error(`otelcol.yaml has no "${SECOND_LINE_BEGIN.trim()}" … "${SECOND_LINE_END.trim()}" block`);
  const end = config.indexOf("\n", endMarker) + 1;
  return config.slice(0, begin) + secondLineYaml() + config.slice(end);
}
