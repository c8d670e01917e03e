// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { BUILT_IN_PRICING, parsePricingTable, PriceList } from "../src/pricing.js";

describe("PriceList", () => {
  it("prices uncached input, cached reads and writes, output and reasoning at their own rates", () => {
    const prices = new PriceList({ models: [{ provider: "anthropic", model: "m", input: 3, cacheRead: 0.3, cacheWrite: 3.75, output: 15, reasoning: 20 }] });
    // (100 - 40 - 10) × 3 + 40 × 0.3 + 10 × 3.75 + (50 - 5) × 15 + 5 × 20 = 150 + 12 + 37.5 + 675 + 100 per million.
    expect(prices.cost("anthropic", ["m"], { input: 100, cacheRead: 40, cacheWrite: 10, output: 50, reasoning: 5 })).toBe(0.0009745);
  });

  it("missing optional rates fall back to the base rate", () => {
    const prices = new PriceList({ models: [{ model: "m", input: 2, output: 8 }] });
    expect(prices.cost("openai", ["m"], { input: 10, cacheRead: 4, output: 3, reasoning: 1 })).toBe((10 * 2 + 3 * 8) / 1e6);
  });

  it("the user's table wins over the built-in one; a provider-specific entry over a provider-less one", () => {
    const prices = new PriceList({
      models: [
        { model: "gpt-4o-mini", input: 9, output: 9 },
        { provider: "openai", model: "gpt-4o-mini", input: 1, output: 1 },
      ],
    });
    expect(prices.lookup("openai", "gpt-4o-mini")).toEqual({ provider: "openai", model: "gpt-4o-mini", input: 1, output: 1 });
    expect(prices.lookup("azure.ai.openai", "gpt-4o-mini")).toEqual({ model: "gpt-4o-mini", input: 9, output: 9 });
  });

  it("the built-in table: a dated source, gpt-4o-mini at 0.15 / 0.075 / 0.6", () => {
    expect(BUILT_IN_PRICING.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(new PriceList(undefined).cost("openai", ["gpt-4o-mini"], { input: 1_000_000, cacheRead: 0, output: 0 })).toBe(0.15);
  });

  it("tries the response model, then the request model; no price for an unknown model and no guess from a similar name", () => {
    const prices = new PriceList(undefined);
    expect(prices.cost("openai", ["gpt-4o-mini-2024-07-18", "gpt-4o-mini"], { input: 1e6, output: 0 })).toBe(0.15);
    expect(prices.cost("openai", ["unknown-snapshot", "gpt-4o-mini"], { input: 1e6, output: 0 })).toBe(0.15);
    expect(prices.cost("openai", ["gpt-4o-mini-2099-01-01", undefined], { input: 1e6, output: 0 })).toBeUndefined();
    expect(prices.cost("anthropic", ["gpt-4o-mini"], { input: 1e6, output: 0 })).toBeUndefined();
  });

  it.each([
    [null, "option pricing is not a price table"],
    [{ models: {} }, "option pricing is not a price table"],
    [{ models: [{ input: 1, output: 1 }] }, "option pricing: models[0].model must be a non-empty string"],
    [{ models: [{ model: "m", input: -1, output: 1 }] }, "option pricing: models[0].input=-1 is not a non-negative number"],
    [{ models: [{ model: "m", input: 1, output: "2" }] }, 'option pricing: models[0].output="2" is not a non-negative number'],
    [{ models: [{ model: "m", provider: 7, input: 1, output: 1 }] }, "option pricing: models[0].provider must be a string"],
  ])("rejects %j", (table, message) => {
    expect(() => parsePricingTable(table, "option pricing")).toThrow(message);
  });
});
