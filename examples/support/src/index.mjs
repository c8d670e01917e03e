export { chatModel, ScriptedChatModel } from "./model.mjs";
export { routedChatModel, RoutedChatModel } from "./routed-model.mjs";
export { readSpans, printRunTree } from "./run-tree.mjs";
export { runExample, renderTree, rootSpans } from "./testing.mjs";
