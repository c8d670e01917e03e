import { describe, expect, it } from "vitest";
import { metadataAttributes, modelRequestAttributes, modelResponseAttributes, numberAttribute } from "../src/attributes.js";

describe("numberAttribute", () => {
  it.each([
    [42, 42],
    [0.25, 0.25],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    // Integral but outside int64 (or beyond exact JS integers): a string, so no collector rejects the batch.
    [2 ** 63, "9223372036854776000"],
    [1e300, "1e+300"],
    [-1e21, "-1e+21"],
    [NaN, undefined],
    [Infinity, undefined],
  ])("%s → %j", (input, expected) => {
    expect(numberAttribute(input)).toBe(expected);
  });

  it("applies to metadata and model parameters", () => {
    expect(metadataAttributes({ huge: 1e300, small: 3 }, 100)).toMatchObject({ "langchain.metadata.huge": "1e+300", "langchain.metadata.small": 3 });
    expect(modelRequestAttributes({ invocation_params: { seed: 2 ** 64, temperature: 0.5 } }, {}, "m")).toMatchObject({
      "gen_ai.request.seed": "18446744073709552000",
      "gen_ai.request.temperature": 0.5,
    });
  });

  it("reads usage from usage_metadata, or llmOutput.tokenUsage for older integrations", () => {
    expect(
      modelResponseAttributes({ generations: [[{ text: "x" }]], llmOutput: { tokenUsage: { promptTokens: 5, completionTokens: 2 } } }),
    ).toEqual({ "gen_ai.usage.input_tokens": 5, "gen_ai.usage.output_tokens": 2 });
  });
});
