// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, removeTempDirs, runCli, tempDir } from "./cli.js";
import { PRICED_AGENT_RUN, SHORT_RUN, writeStandardTrail, writeTrail } from "./scenario.js";

beforeAll(assertBuilt);
afterEach(removeTempDirs);

const AGENT_TREE = [
  "trace 019ab3c4d5e67f00a1b2c3d4e5f60718  session s-1  user u-1  tenant t-1",
  "support_agent [chain] 40.0 ms ok",
  "  chat gpt-4o-mini [llm] 10.0 ms ok tokens 120 in, 18 out",
  "  execute_tool lookup_policy [tool] 3.0 ms error (ToolError)",
  "  chat gpt-4o-mini [llm] 22.0 ms ok tokens 160 in, 25 out",
  "",
].join("\n");

describe("show", () => {
  it("prints the run tree of a session", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    expect(await runCli(["show", "--session", "s-1"], dir)).toEqual({ code: 0, stdout: AGENT_TREE, stderr: "" });
  });

  it("shows each priced run's cost and the trace's total", async () => {
    const dir = tempDir();
    await writeTrail(dir, [[PRICED_AGENT_RUN], [SHORT_RUN]]);
    expect((await runCli(["show", "--session", "s-1"], dir)).stdout).toBe(
      [
        "trace 019ab3c4d5e67f00a1b2c3d4e5f60718  session s-1  user u-1  tenant t-1  cost $0.0000678",
        "support_agent [chain] 40.0 ms ok",
        "  chat gpt-4o-mini [llm] 10.0 ms ok tokens 120 in, 18 out cost $0.0000288",
        "  execute_tool lookup_policy [tool] 3.0 ms error (ToolError)",
        "  chat gpt-4o-mini [llm] 22.0 ms ok tokens 160 in, 25 out cost $0.000039",
        "",
      ].join("\n"),
    );
  });

  it("finds a trace by its hex ID or by the root run's UUID", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    expect((await runCli(["show", "--trace", "019ab3c4d5e67f00a1b2c3d4e5f60718", "."], dir)).stdout).toBe(AGENT_TREE);
    expect((await runCli(["show", "--trace", "019AB3C4-D5E6-7F00-A1B2-C3D4E5F60718", "."], dir)).stdout).toBe(AGENT_TREE);
  });

  it("prints a run and the runs under it, with payloads cut to 200 characters", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    const tool = await runCli(["show", "--run", "019ab3c4-d5e6-7f00-b1b2-c3d4e5f60002", "--payloads"], dir);
    expect(tool.stdout).toBe(
      [
        "trace 019ab3c4d5e67f00a1b2c3d4e5f60718  session s-1  user u-1  tenant t-1",
        "execute_tool lookup_policy [tool] 3.0 ms error (ToolError)",
        '    langchain.inputs: {"query":"refund"}',
        "",
      ].join("\n"),
    );
    const agent = await runCli(["show", "--payloads", "--run", "019ab3c4-d5e6-7f00-a1b2-c3d4e5f60718"], dir);
    expect(agent.stdout).toBe(
      [
        "trace 019ab3c4d5e67f00a1b2c3d4e5f60718  session s-1  user u-1  tenant t-1",
        "support_agent [chain] 40.0 ms ok",
        '    langchain.inputs: {"question":"Can I get a refund for order 1234?"}',
        '    langchain.outputs: {"answer":"Yes: refunds within 30 days."}',
        "  chat gpt-4o-mini [llm] 10.0 ms ok tokens 120 in, 18 out",
        "  execute_tool lookup_policy [tool] 3.0 ms error (ToolError)",
        '      langchain.inputs: {"query":"refund"}',
        "  chat gpt-4o-mini [llm] 22.0 ms ok tokens 160 in, 25 out",
        `      langchain.outputs: ${"x".repeat(200)}…`,
        "",
      ].join("\n"),
    );
  });

  it("exits 1 when nothing matches and 2 without exactly one selector", async () => {
    const dir = tempDir();
    await writeStandardTrail(dir);
    expect(await runCli(["show", "--session", "nobody"], dir)).toEqual({ code: 1, stdout: "", stderr: "no spans found for session nobody\n" });
    expect(await runCli(["show", "."], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining("show needs exactly one of --session, --trace, --run") });
    expect(await runCli(["show", "--session", "s-1", "--run", "x"], dir)).toMatchObject({ code: 2 });
    expect(await runCli(["show", "--trace", "not-hex"], dir)).toMatchObject({ code: 2, stderr: expect.stringContaining('--trace must be 32 hex digits or a UUID, got "not-hex"') });
  });
});
