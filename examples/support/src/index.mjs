export { chatModel, ScriptedChatModel } from "./model.mjs";
export { readSpans, printRunTree } from "./run-tree.mjs";
