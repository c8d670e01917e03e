// SPDX-License-Identifier: Apache-2.0
export { chatModel, ScriptedChatModel } from "./model.mjs";
export { routedChatModel, RoutedChatModel } from "./routed-model.mjs";
export { readSpans, printRunTree, rootSpans, byStartTime, showTrail, trailLines } from "./run-tree.mjs";
export { runExample, renderTree } from "./testing.mjs";
