// SPDX-License-Identifier: Apache-2.0
/** How the page writes durations, times, sizes, tokens and money. */

/** A duration between two nanosecond times: "0.4 ms", "12.3 ms", "1.24 s", "2 min 05 s"; "–" when unknown. */
export function duration(startNanos: bigint, endNanos: bigint): string {
  if (startNanos === 0n || endNanos === 0n || endNanos < startNanos) return "–";
  return durationMillis(Number(endNanos - startNanos) / 1e6);
}

/** {@link duration} of a number of milliseconds. */
export function durationMillis(ms: number): string {
  if (ms < 1000) return `${ms.toFixed(1)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
}

/** A timeline tick, as short as reads right in a narrow column: "0", "2.5 ms", "250 ms", "1.5 s", "12 s", "2.5 min". */
export function axisMillis(ms: number): string {
  if (ms <= 0) return "0";
  if (ms < 9.95) return `${ms.toFixed(1)} ms`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 59_500) return `${Math.round(ms / 1000)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** "2026-11-24 10:00:00.040 UTC"; "–" for 0. */
export function timestamp(nanos: bigint): string {
  if (nanos === 0n) return "–";
  return new Date(Number(nanos / 1_000_000n)).toISOString().replace("T", " ").replace("Z", " UTC");
}

/** "10:00:00.040" (UTC); "–" for 0. */
export function timeOfDay(nanos: bigint): string {
  return nanos === 0n ? "–" : new Date(Number(nanos / 1_000_000n)).toISOString().slice(11, 23);
}

/** "1,234". */
export function integer(n: number): string {
  return Math.round(n).toLocaleString("en-US");
}

/** USD with enough digits to see a fraction of a cent: "$0.0123", "$1.50", "$0.000045". */
export function usd(amount: number): string {
  if (amount === 0) return "$0";
  const digits = amount >= 1 ? 2 : Math.min(8, Math.max(2, 2 - Math.floor(Math.log10(amount))));
  return `$${amount.toFixed(digits)}`;
}

/** "812 B", "12.3 KB", "4.1 MB" (SI). */
export function bytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** "1 run" / "3 runs". */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${integer(n)} ${n === 1 ? singular : pluralForm}`;
}

/** A payload as people read it: JSON pretty-printed (two spaces), anything else as is. */
export function prettyPayload(text: string): string {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

/** At most `max` characters, with a note of how many more there were. */
export function clip(text: string, max: number): { text: string; more: number } {
  if (text.length <= max) return { text, more: 0 };
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return { text: text.slice(0, end), more: text.length - end };
}
