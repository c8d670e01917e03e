// SPDX-License-Identifier: Apache-2.0
// A strict-enough RFC 5424 parser for the SIEM receiver's file: one message per line, as rsyslog wrote it raw.
import { existsSync, readFileSync } from "node:fs";

export interface SyslogMessage {
  priority: number;
  facility: number;
  severity: number;
  version: number;
  /** "-" (NILVALUE) or an RFC 3339 time. */
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  /** SD-ID → params (names as written, values unescaped). */
  structuredData: Map<string, Record<string, string>>;
  message: string;
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})$/;
/** PRINTUSASCII (33–126) of at most `max` characters, or the NILVALUE. */
const headerField = (max: number) => new RegExp(`^[!-~]{1,${max}}$`);
const HEADER_FIELDS = [
  ["hostname", headerField(255)],
  ["appName", headerField(48)],
  ["procId", headerField(128)],
  ["msgId", headerField(32)],
] as const;
/** SD-NAME: 1–32 PRINTUSASCII except '=', SP, ']' and '"'. */
const SD_NAME = /^[!#-<>-\\^-~]{1,32}$/;

export class SyslogParseError extends Error {}

/**
 * Parses `<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]`. Throws SyslogParseError
 * naming the first part that does not conform. In PARAM-VALUE, `\"`, `\\` and `\]` are unescaped and any other
 * backslash is kept (RFC 5424 §6.3.3); an unescaped `]` inside the quotes is accepted, as rsyslog does (the
 * collector's syslog exporter does not escape it).
 */
export function parseRfc5424(line: string): SyslogMessage {
  const fail = (what: string): never => {
    throw new SyslogParseError(`not RFC 5424 (${what}): ${line.slice(0, 200)}`);
  };
  const head = /^<(\d{1,3})>([1-9]\d{0,2}) /.exec(line) ?? fail("PRI / VERSION");
  const priority = Number(head[1]);
  if (priority > 191) fail(`PRI ${priority} > 191`);
  let rest = line.slice(head[0].length);
  const take = (): string => {
    const space = rest.indexOf(" ");
    if (space <= 0) fail("header field");
    const field = rest.slice(0, space);
    rest = rest.slice(space + 1);
    return field;
  };
  const timestamp = take();
  if (timestamp !== "-" && !TIMESTAMP.test(timestamp)) fail(`TIMESTAMP ${timestamp}`);
  const header: Record<string, string> = {};
  for (const [name, pattern] of HEADER_FIELDS) {
    const value = take();
    if (!pattern.test(value)) fail(`${name} ${JSON.stringify(value)}`);
    header[name] = value;
  }

  const structuredData = new Map<string, Record<string, string>>();
  let i = 0;
  if (rest.startsWith("-")) {
    i = 1;
  } else {
    if (!rest.startsWith("[")) fail("STRUCTURED-DATA");
    while (rest[i] === "[") {
      i++;
      const idEnd = rest.slice(i).search(/[ \]]/);
      if (idEnd < 0) fail("unterminated SD-ELEMENT");
      const id = rest.slice(i, i + idEnd);
      if (!SD_NAME.test(id)) fail(`SD-ID ${JSON.stringify(id)}`);
      if (structuredData.has(id)) fail(`SD-ID ${id} repeated`);
      i += idEnd;
      const params: Record<string, string> = {};
      while (rest[i] === " ") {
        i++;
        const eq = rest.indexOf("=", i);
        if (eq < 0) fail("SD-PARAM without '='");
        const name = rest.slice(i, eq);
        if (!SD_NAME.test(name)) fail(`PARAM-NAME ${JSON.stringify(name)}`);
        if (rest[eq + 1] !== '"') fail(`PARAM-VALUE of ${name} not quoted`);
        let value = "";
        let j = eq + 2;
        for (;;) {
          if (j >= rest.length) fail(`unterminated PARAM-VALUE of ${name}`);
          const c = rest[j];
          if (c === "\\" && (rest[j + 1] === '"' || rest[j + 1] === "\\" || rest[j + 1] === "]")) {
            value += rest[j + 1];
            j += 2;
          } else if (c === '"') {
            break;
          } else {
            value += c;
            j++;
          }
        }
        if (name in params) fail(`PARAM-NAME ${name} repeated in ${id}`);
        params[name] = value;
        i = j + 1;
      }
      if (rest[i] !== "]") fail(`SD-ELEMENT ${id} not closed`);
      i++;
      structuredData.set(id, params);
    }
  }
  if (i < rest.length && rest[i] !== " ") fail("no SP between STRUCTURED-DATA and MSG");
  const message = rest.slice(i + 1).replace(/^\uFEFF/, "");

  return {
    priority,
    facility: priority >> 3,
    severity: priority & 7,
    version: Number(head[2]),
    timestamp,
    hostname: header.hostname!,
    appName: header.appName!,
    procId: header.procId!,
    msgId: header.msgId!,
    structuredData,
    message,
  };
}

/** The non-empty lines of the SIEM receiver's file (rsyslog writes one message per line). */
export function readSyslogLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "");
}
