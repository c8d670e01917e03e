// SPDX-License-Identifier: Apache-2.0
import { AsyncLocalStorage } from "node:async_hooks";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { diag } from "./diag.js";

/**
 * Finds the app's own `@langchain/core` and patches both of its builds before the app's first run.
 *
 * CommonJS apps load `dist/*.cjs`, ESM apps `dist/*.js`; each build has its own `CallbackManager` class and
 * its own callback queue. The CJS build is `require()`d. The ESM build is loaded synchronously too, with
 * `require(esm)` on its resolved file: Node keeps one module instance per file URL, so the app's later
 * `import` gets the very classes patched here, even under `--require` where nothing can be awaited.
 * Only if that synchronous load fails does the ESM build fall back to `import()` (then `ready` settles later).
 */

/** What the patching needs from `LangChainInstrumentation`. */
export interface Instrumenter {
  manuallyInstrument(modules: {
    CallbackManager?: unknown;
    AsyncLocalStorageProviderSingleton?: unknown;
    BaseChatModel?: unknown;
    BaseLLM?: unknown;
    StructuredTool?: unknown;
  }): void;
}

/** One loaded build of `@langchain/core`. */
export interface LangChainCoreCopy {
  readonly build: "cjs" | "esm";
  /** Resolved file of `@langchain/core/callbacks/manager` in this build. */
  readonly managerFile: string;
  /** This build's `awaitAllCallbacks` (each build has its own callback queue). */
  readonly awaitAllCallbacks: (() => Promise<void>) | undefined;
}

export interface LangChainCorePatch {
  /** Builds patched so far (grows when a fallback `import()` completes). */
  readonly copies: LangChainCoreCopy[];
  /** Settles when every build found is patched; never rejects. */
  readonly ready: Promise<void>;
}

const SUBPATHS = {
  manager: "./callbacks/manager",
  singletons: "./singletons",
  promises: "./callbacks/promises",
  chatModels: "./language_models/chat_models",
  llms: "./language_models/llms",
  tools: "./tools",
} as const;
type Subpath = keyof typeof SUBPATHS;

// The conditions Node's ESM resolver matches for `import` (module-sync: Node >= 22.10).
const IMPORT_CONDITIONS = new Set(["node", "import", "module-sync", "default"]);
const ALS_KEY = Symbol.for("ls:tracing_async_local_storage");

/**
 * Initialises LangChain's AsyncLocalStorage as `@langchain/core/context` does, so nested runnables inherit
 * their parent's callbacks. Every copy of `@langchain/core` reads the same global.
 */
export function initializeLangChainContext(): void {
  const holder = globalThis as { [ALS_KEY]?: unknown };
  holder[ALS_KEY] ??= new AsyncLocalStorage();
}

function conditionalTarget(target: unknown): string | undefined {
  if (typeof target === "string") return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = conditionalTarget(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (target !== null && typeof target === "object") {
    for (const [condition, value] of Object.entries(target)) {
      if (!IMPORT_CONDITIONS.has(condition)) continue;
      const found = conditionalTarget(value);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The file an `import` of `<package>/<subpath>` resolves to, from the package's `exports` (exact subpaths). */
export function importTarget(packageRoot: string, exportsField: unknown, subpath: string): string | undefined {
  if (exportsField === null || typeof exportsField !== "object" || Array.isArray(exportsField)) return undefined;
  const target = conditionalTarget((exportsField as Record<string, unknown>)[subpath]);
  return target === undefined || !target.startsWith("./") ? undefined : path.join(packageRoot, target);
}

function packageRootOf(file: string): string | undefined {
  let dir = path.dirname(file);
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "@langchain/core") return dir;
      } catch {
        // an unreadable package.json on the way up is not ours
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

type Namespace = Record<string, unknown>;

/** Loads each module of one build with `load` and hands the classes the instrumentation patches. */
function instrument(instrumenter: Instrumenter, modules: Record<Exclude<Subpath, "promises">, Namespace>): void {
  instrumenter.manuallyInstrument({
    CallbackManager: modules.manager.CallbackManager,
    AsyncLocalStorageProviderSingleton: modules.singletons.AsyncLocalStorageProviderSingleton,
    BaseChatModel: modules.chatModels.BaseChatModel,
    BaseLLM: modules.llms.BaseLLM,
    StructuredTool: modules.tools.StructuredTool,
  });
}

function loadAll(files: Record<Subpath, string>, load: (file: string) => Namespace) {
  return {
    manager: load(files.manager),
    singletons: load(files.singletons),
    chatModels: load(files.chatModels),
    llms: load(files.llms),
    tools: load(files.tools),
    promises: load(files.promises),
  };
}

function awaitAllOf(promises: Namespace): (() => Promise<void>) | undefined {
  const fn = promises.awaitAllCallbacks;
  return typeof fn === "function" ? () => Promise.resolve((fn as () => unknown)()).then(() => undefined) : undefined;
}

/**
 * Patches every build of `@langchain/core` that resolves from the given directories (the working directory,
 * the main script's directory). When `@langchain/core` is not installed there, does nothing. Never throws.
 */
export function patchLangChainCore(instrumenter: Instrumenter, searchDirs: readonly string[]): LangChainCorePatch {
  const copies: LangChainCoreCopy[] = [];
  const pending: Promise<void>[] = [];
  const seen = new Set<string>();

  for (const dir of searchDirs) {
    const requireFromDir = createRequire(path.join(dir, "noop.js"));
    let cjs: Record<Subpath, string>;
    try {
      cjs = Object.fromEntries(
        Object.entries(SUBPATHS).map(([key, subpath]) => [key, requireFromDir.resolve(`@langchain/core${subpath.slice(1)}`)]),
      ) as Record<Subpath, string>;
    } catch (err) {
      diag.debug(`@langchain/core does not resolve from ${dir}; nothing to patch there`, err);
      continue;
    }

    if (!seen.has(cjs.manager)) {
      seen.add(cjs.manager);
      try {
        const modules = loadAll(cjs, (file) => requireFromDir(file) as Namespace);
        instrument(instrumenter, modules);
        copies.push({ build: "cjs", managerFile: cjs.manager, awaitAllCallbacks: awaitAllOf(modules.promises) });
      } catch (err) {
        diag.warn(`could not patch @langchain/core at ${cjs.manager}`, err);
      }
    }

    const root = packageRootOf(cjs.manager);
    if (root === undefined) continue;
    let esm: Record<Subpath, string | undefined>;
    try {
      const exportsField = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { exports?: unknown }).exports;
      esm = Object.fromEntries(
        Object.entries(SUBPATHS).map(([key, subpath]) => [key, importTarget(root, exportsField, subpath)]),
      ) as Record<Subpath, string | undefined>;
    } catch (err) {
      diag.debug(`could not read the exports of ${root}`, err);
      continue;
    }
    if (Object.values(esm).some((file) => file === undefined)) continue;
    const files = esm as Record<Subpath, string>;
    if (seen.has(files.manager)) continue;
    seen.add(files.manager);
    try {
      const modules = loadAll(files, (file) => requireFromDir(file) as Namespace);
      instrument(instrumenter, modules);
      copies.push({ build: "esm", managerFile: files.manager, awaitAllCallbacks: awaitAllOf(modules.promises) });
    } catch (err) {
      diag.debug(`synchronous load of the ESM build failed (${files.manager}); importing it instead`, err);
      pending.push(importAndPatch(instrumenter, files, copies));
    }
  }
  return { copies, ready: Promise.all(pending).then(() => undefined) };
}

async function importAndPatch(instrumenter: Instrumenter, files: Record<Subpath, string>, copies: LangChainCoreCopy[]): Promise<void> {
  try {
    const pending = loadAll(files, (file) => import(pathToFileURL(file).href) as unknown as Namespace);
    const keys = Object.keys(pending) as Subpath[];
    const loaded = Object.fromEntries(
      await Promise.all(keys.map(async (key) => [key, (await (pending[key] as unknown as Promise<Namespace>)) as Namespace] as const)),
    ) as Record<Subpath, Namespace>;
    instrument(instrumenter, loaded);
    copies.push({ build: "esm", managerFile: files.manager, awaitAllCallbacks: awaitAllOf(loaded.promises) });
  } catch (err) {
    diag.warn(`could not patch the ESM build of @langchain/core at ${files.manager}`, err);
  }
}

/** Where the app's `@langchain/core` is looked up: the working directory and the main script's directory. */
export function appSearchDirs(cwd: string = process.cwd(), mainScript: string | undefined = process.argv[1]): string[] {
  const dirs = [cwd];
  // A main script inside node_modules is a tool's (a test runner, a CLI), not the app's.
  if (mainScript !== undefined && mainScript !== "" && !mainScript.split(path.sep).includes("node_modules")) {
    const dir = path.dirname(path.resolve(cwd, mainScript));
    if (dir !== cwd) dirs.push(dir);
  }
  return dirs;
}
