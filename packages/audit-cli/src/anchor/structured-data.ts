// SPDX-License-Identifier: Apache-2.0

/** An RFC 5424 line's structured data: SD-ID → params (values unescaped). */
export type StructuredData = Map<string, Map<string, string>>;

const GO_ESCAPES: Record<string, string> = { a: "\u0007", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\u000b", '"': '"', "\\": "\\", "]": "]", "'": "'" };

/**
 * The STRUCTURED-DATA of an RFC 5424 message (`<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [SD-ELEMENT...] MSG`),
 * or undefined when the line is not one or has none. PARAM-VALUEs are unescaped as the collector's syslog exporter
 * escapes them (Go `%q`: `\"`, `\\`, `\uXXXX` and the other Go escapes; `\]` as RFC 5424 allows); an unescaped `]`
 * inside the quotes is accepted. Linear in the line's length.
 */
export function structuredDataOf(line: string): StructuredData | undefined {
  if (!/^<\d{1,3}>\d{1,2} /.test(line)) return undefined;
  // Skip VERSION, TIMESTAMP, HOSTNAME, APP-NAME, PROCID, MSGID: six space-separated fields after the PRI.
  let i = 0;
  for (let fields = 0; fields < 6; fields++) {
    const space = line.indexOf(" ", i);
    if (space < 0) return undefined;
    i = space + 1;
  }
  const data: StructuredData = new Map();
  while (line[i] === "[") {
    const idEnd = findAny(line, i + 1, " ]");
    if (idEnd < 0) return undefined;
    const id = line.slice(i + 1, idEnd);
    const params = new Map<string, string>();
    i = idEnd;
    while (line[i] === " ") {
      const eq = line.indexOf("=", i + 1);
      if (eq < 0 || line[eq + 1] !== '"') return undefined;
      const name = line.slice(i + 1, eq);
      let value = "";
      let j = eq + 2;
      for (;;) {
        if (j >= line.length) return undefined;
        const c = line[j]!;
        if (c === '"') break;
        if (c === "\\" && j + 1 < line.length) {
          const [text, length] = unescape(line, j + 1);
          value += text;
          j += 1 + length;
        } else {
          value += c;
          j++;
        }
      }
      params.set(name, value);
      i = j + 1;
    }
    if (line[i] !== "]") return undefined;
    data.set(id, params);
    i++;
  }
  return data;
}

function findAny(line: string, from: number, chars: string): number {
  for (let i = from; i < line.length; i++) if (chars.includes(line[i]!)) return i;
  return -1;
}

/** One escape after a backslash at `at`: its text and how many characters it took. Unknown escapes stay as they are. */
function unescape(line: string, at: number): [string, number] {
  const c = line[at]!;
  if (c in GO_ESCAPES) return [GO_ESCAPES[c]!, 1];
  const hex = c === "u" ? 4 : c === "U" ? 8 : c === "x" ? 2 : 0;
  if (hex > 0) {
    const digits = line.slice(at + 1, at + 1 + hex);
    if (/^[0-9a-fA-F]+$/.test(digits) && digits.length === hex) {
      const code = Number.parseInt(digits, 16);
      if (code <= 0x10ffff) return [String.fromCodePoint(code), 1 + hex];
    }
  }
  return ["\\" + c, 1];
}
