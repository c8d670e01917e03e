// SPDX-License-Identifier: Apache-2.0
import { none, noopHandler } from "./baselines.mjs";
import { oursDistro, oursJournal, oursNoExitHooks } from "./distro.mjs";
import { floor } from "./floor.mjs";
import { langfuse } from "./langfuse.mjs";
import { openInference } from "./openinference.mjs";
import { oursFull, oursNone, oursRedacted } from "./ours.mjs";
import { traceloop } from "./traceloop.mjs";

/** Every mode, in table order. */
export const MODES = [none, noopHandler, floor, oursNone, oursFull, oursRedacted, oursDistro, oursJournal, oursNoExitHooks, openInference, traceloop, langfuse];

export function modeById(id) {
  const found = MODES.find((m) => m.id === id);
  if (found === undefined) throw new Error(`unknown mode "${id}" (one of: ${MODES.map((m) => m.id).join(", ")})`);
  return found;
}
