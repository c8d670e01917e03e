// SPDX-License-Identifier: Apache-2.0
/** Adds a run's `gen_ai.usage.cost` (USD) to a total that stays undefined until some run has a price. */
export function addCost(total: { costUsd: number | undefined }, cost: number | undefined): void {
  if (cost !== undefined && Number.isFinite(cost)) total.costUsd = (total.costUsd ?? 0) + cost;
}

/** A sum of USD amounts without binary noise: twelve decimals, as the instrumentation writes each one. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e12) / 1e12;
}
