// SPDX-License-Identifier: Apache-2.0
import type { AuditSignal } from "../integrity/canonical.js";
import type { EncodedPlace } from "../otlp-json.js";

/** The file name suffix of a journal. */
export const JOURNAL_SUFFIX = ".journal";

/** The journal format this version writes (1: a whole OTLP/JSON request per write; still read by recovery). */
export const JOURNAL_VERSION = 2;

/** The first line of a journal: whose it is, and its format. */
export interface JournalHeader {
  readonly journal: 1 | 2;
  readonly pid: number;
  readonly hostname: string;
  readonly chain: string;
}

/*
 * Format 2: after the header, one line per entry, its fields separated by tabs (JSON text never holds a raw tab or
 * newline, so a JSON field can be the last one and still be split safely):
 *   R <index> <resource JSON> <schema URL JSON or "">              a resource, written before its first item
 *   S <index> <scope JSON> <schema URL JSON or "">                 a scope (by name, version, schema URL), likewise
 *   T <resource index> <scope index> <span JSON>                   a span, as the collector writes it in a request
 *   L <resource index> <scope index> <log record JSON>             an audit record, likewise
 *   W <signal> <first audit.seq> <last audit.seq>                  the batch with these seqs is written
 * The item JSON is the exporter's encoding of the item, so recovery rebuilds the very request text the exporter
 * writes (see requestLine), and the resource (~1.4 KB) is written once per journal instead of once per write.
 */
export const TAG = { resource: "R", scope: "S", traces: "T", logs: "L", written: "W" } as const;

export const resourceLine = (index: number, place: EncodedPlace): string => `R\t${index}\t${place.text}\t${place.schemaUrl}\n`;

export const scopeLine = (index: number, place: EncodedPlace): string => `S\t${index}\t${place.text}\t${place.schemaUrl}\n`;

/** An item's line up to its JSON text (which follows, then the newline). */
export const itemLinePrefix = (signal: AuditSignal, resource: number, scope: number): string =>
  `${signal === "traces" ? "T" : "L"}\t${resource}\t${scope}\t`;

export const writtenLine = (signal: AuditSignal, first: number, last: number): string => `W\t${signal}\t${first}\t${last}\n`;

/** Format 1: a journal line holding records, `{"signal":"traces","request":<the OTLP/JSON request body>}`. */
export const recordsLinePrefixV1 = (signal: AuditSignal): string => `{"signal":"${signal}","request":`;
