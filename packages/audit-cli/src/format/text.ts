// SPDX-License-Identifier: Apache-2.0
/** "1 record" / "3 records". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** A seq range as people read it: "5" or "5..9". */
export function seqRange(from: number, to: number): string {
  return from === to ? String(from) : `${from}..${to}`;
}

/** Milliseconds between two nanosecond times, with one decimal ("12.3"). */
export function millisBetween(startNanos: bigint, endNanos: bigint): string {
  if (startNanos === 0n || endNanos < startNanos) return "?";
  const tenths = (endNanos - startNanos + 50_000n) / 100_000n;
  return `${tenths / 10n}.${tenths % 10n}`;
}

/** Control characters escaped so a payload stays on its line. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => (c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
}

/** At most `max` characters (UTF-16 units, not splitting a surrogate pair), with "…" when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return text.slice(0, end) + "…";
}

/** Rows as columns separated by two spaces, each padded to its widest cell (the last one not padded). */
export function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  "));
}
