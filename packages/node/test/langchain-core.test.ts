// SPDX-License-Identifier: Apache-2.0
import { createRequire } from "node:module";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { appSearchDirs, importTarget, initializeLangChainContext, patchLangChainCore, type Instrumenter } from "../src/langchain-core.js";
import { PACKAGE_DIR, assertBuilt, cleanEnv, runNode } from "./helpers.js";

function recordingInstrumenter(): Instrumenter & { calls: Array<{ CallbackManager?: unknown; AsyncLocalStorageProviderSingleton?: unknown }> } {
  const calls: Array<{ CallbackManager?: unknown; AsyncLocalStorageProviderSingleton?: unknown }> = [];
  return { calls, manuallyInstrument: (modules) => void calls.push(modules) };
}

describe("patchLangChainCore", () => {
  it("patches the CommonJS build and the ESM build the app will import, synchronously", async () => {
    const instrumenter = recordingInstrumenter();
    const { copies, ready } = patchLangChainCore(instrumenter, [PACKAGE_DIR]);

    // Done before returning: an app's first run, right after register, is already covered.
    expect(copies.map((c) => c.build)).toEqual(["cjs", "esm"]);
    expect(copies[0]!.managerFile).toMatch(/dist[/\\]callbacks[/\\]manager\.cjs$/);
    expect(copies[1]!.managerFile).toMatch(/dist[/\\]callbacks[/\\]manager\.js$/);

    const requireFromApp = createRequire(path.join(PACKAGE_DIR, "noop.js"));
    const cjsManager = requireFromApp("@langchain/core/callbacks/manager") as { CallbackManager: unknown };
    const cjsSingletons = requireFromApp("@langchain/core/singletons") as { AsyncLocalStorageProviderSingleton: unknown };
    const esmManager = await import("@langchain/core/callbacks/manager");
    const esmSingletons = await import("@langchain/core/singletons");
    expect(instrumenter.calls).toHaveLength(2);
    expect(instrumenter.calls[0]!.CallbackManager).toBe(cjsManager.CallbackManager);
    expect(instrumenter.calls[0]!.AsyncLocalStorageProviderSingleton).toBe(cjsSingletons.AsyncLocalStorageProviderSingleton);
    // The very class the app's `import` gets, not a second instance of the module.
    expect(instrumenter.calls[1]!.CallbackManager).toBe(esmManager.CallbackManager);
    expect(instrumenter.calls[1]!.AsyncLocalStorageProviderSingleton).toBe(esmSingletons.AsyncLocalStorageProviderSingleton);
    expect(esmManager.CallbackManager).not.toBe(cjsManager.CallbackManager);

    await expect(ready).resolves.toBeUndefined();
    for (const copy of copies) await expect(copy.awaitAllCallbacks?.()).resolves.toBeUndefined();
  });

  it("patches each build once when several directories resolve to the same install", () => {
    const instrumenter = recordingInstrumenter();
    const { copies } = patchLangChainCore(instrumenter, [PACKAGE_DIR, path.join(PACKAGE_DIR, "test")]);
    expect(copies).toHaveLength(2);
    expect(instrumenter.calls).toHaveLength(2);
  });

  it("does nothing, quietly, where @langchain/core is not installed", async () => {
    // In a child process: `pnpm exec` sets NODE_PATH, through which this test process would find a copy anyway.
    assertBuilt();
    const dir = mkdtempSync(path.join(tmpdir(), "no-langchain-"));
    const module = pathToFileURL(path.join(PACKAGE_DIR, "dist", "langchain-core.js")).href;
    const script = `
      const { patchLangChainCore } = await import(${JSON.stringify(module)});
      const calls = [];
      const { copies, ready } = patchLangChainCore({ manuallyInstrument: (m) => calls.push(m) }, [process.cwd()]);
      await ready;
      console.log(JSON.stringify({ copies: copies.length, calls: calls.length }));`;
    const result = await runNode(["--input-type=module", "-e", script], { cwd: dir, env: cleanEnv({}) });
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(result.stdout)).toEqual({ copies: 0, calls: 0 });
  });
});

describe("importTarget", () => {
  const root = "/pkg";
  it.each<[string, unknown, string | undefined]>([
    ["import condition", { "./a": { require: "./a.cjs", import: "./a.js" } }, "/pkg/a.js"],
    ["nested conditions with types", { "./a": { require: { types: "./a.d.cts", default: "./a.cjs" }, import: { types: "./a.d.ts", default: "./a.js" } } }, "/pkg/a.js"],
    ["conditions in the package's order", { "./a": { node: "./node.js", import: "./a.js" } }, "/pkg/node.js"],
    ["default only", { "./a": { default: "./a.js" } }, "/pkg/a.js"],
    ["a plain string", { "./a": "./a.js" }, "/pkg/a.js"],
    ["fallback arrays", { "./a": [{ browser: "./b.js" }, "./a.js"] }, "/pkg/a.js"],
    ["require only", { "./a": { require: "./a.cjs" } }, undefined],
    ["missing subpath", { "./b": "./b.js" }, undefined],
    ["no exports", undefined, undefined],
    ["a target outside the package", { "./a": "../evil.js" }, undefined],
  ])("%s", (_name, exportsField, expected) => {
    expect(importTarget(root, exportsField, "./a")).toBe(expected === undefined ? undefined : path.join(expected));
  });
});

describe("appSearchDirs", () => {
  it("is the working directory and the main script's directory", () => {
    expect(appSearchDirs("/srv/app", "/srv/app/bin/server.mjs")).toEqual(["/srv/app", "/srv/app/bin"]);
    expect(appSearchDirs("/", "/srv/app/index.js")).toEqual(["/", "/srv/app"]);
    expect(appSearchDirs("/srv/app", "main.mjs")).toEqual(["/srv/app"]);
  });

  it("ignores a main script inside node_modules (a tool, not the app) and a missing one", () => {
    expect(appSearchDirs("/srv/app", "/srv/app/node_modules/vitest/dist/worker.js")).toEqual(["/srv/app"]);
    expect(appSearchDirs("/srv/app", undefined)).toEqual(["/srv/app"]);
  });
});

describe("initializeLangChainContext", () => {
  const key = Symbol.for("ls:tracing_async_local_storage");
  const holder = globalThis as { [key]?: unknown };
  const original = holder[key];
  afterEach(() => {
    holder[key] = original;
  });

  it("installs an AsyncLocalStorage only when LangChain has none yet", () => {
    delete holder[key];
    initializeLangChainContext();
    const installed = holder[key];
    expect(installed?.constructor?.name).toBe("AsyncLocalStorage");
    initializeLangChainContext();
    expect(holder[key]).toBe(installed);
  });
});
