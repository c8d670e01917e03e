// SPDX-License-Identifier: Apache-2.0
/** A CSV field as RFC 4180 writes it: quoted (quotes doubled) when it holds a comma, quote, CR or LF. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A CSV record: fields joined by commas, ended by CRLF (RFC 4180). */
export function csvRecord(values: readonly string[]): string {
  return values.map(csvField).join(",") + "\r\n";
}
