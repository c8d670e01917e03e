// SPDX-License-Identifier: Apache-2.0
/**
 * HTML built by a tagged template that escapes every interpolated value unless it is already {@link Html}: text from
 * a trail (names, payloads, attribute values) can never become markup, whatever it holds.
 */

/** Markup that is safe to insert as is: produced by {@link html} or {@link trusted}. */
export class Html {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text as HTML: `& < > " '` escaped, so it is safe in element content and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/** What may be interpolated: text (escaped), numbers, markup, nothing (undefined, null, false), or lists of these. */
export type HtmlValue = string | number | bigint | Html | undefined | null | false | readonly HtmlValue[];

function render(value: HtmlValue): string {
  if (value === undefined || value === null || value === false) return "";
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** `html\`<b>${name}</b>\``: the literal parts as written, every value escaped (lists joined). */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return new Html(out);
}

/** Markup this package wrote itself (the page's style and script): inserted as is. Never pass trail text. */
export function trusted(text: string): Html {
  return new Html(text);
}
