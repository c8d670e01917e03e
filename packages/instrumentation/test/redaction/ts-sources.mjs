// SPDX-License-Identifier: Apache-2.0
// Imported first by scripts that run the TypeScript sources directly (Node strips the types): the sources import
// "./x.js", and this hook maps such a specifier to the ".ts" file next to it when no ".js" file is there.
import { registerHooks } from "node:module";

registerHooks({
  resolve(specifier, context, nextResolve) {
    try {
      return nextResolve(specifier, context);
    } catch (error) {
      if (specifier.startsWith(".") && specifier.endsWith(".js")) return nextResolve(`${specifier.slice(0, -3)}.ts`, context);
      throw error;
    }
  },
});
