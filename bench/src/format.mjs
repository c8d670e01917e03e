// SPDX-License-Identifier: Apache-2.0
/** Fixed-point number formatting for the tables: µs with no decimals above 100, one below. */
export function micros(value) {
  if (value === undefined || !Number.isFinite(value)) return "–";
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(1);
}

export function range(stat) {
  return `${micros(stat.median)} (${micros(stat.min)}–${micros(stat.max)})`;
}

export function percent(part, whole) {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)} %` : "–";
}

/** A Markdown table from a header row and body rows (every cell a string). */
export function markdownTable(header, body) {
  const escape = (cell) => String(cell).replaceAll("|", "\\|").replaceAll("\n", " ");
  const line = (cells) => `| ${cells.map(escape).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...body.map(line)].join("\n");
}
