// SPDX-License-Identifier: Apache-2.0
import { ScriptedChatModel, chatModel } from "./model.mjs";

function lastUserText(messages) {
  const message = messages.findLast((m) => m.type === "human");
  return typeof message?.content === "string" ? message.content : JSON.stringify(message?.content ?? "");
}

/**
 * A scripted model that picks its reply by the last user message instead of by call order, so concurrent
 * requests each get their own answer. `rules` is `[{ match: RegExp, reply }]`, tried in order; the last rule
 * answers when none matches. Replies have the shape {@link ScriptedChatModel} takes.
 */
export class RoutedChatModel extends ScriptedChatModel {
  constructor({ rules, model = "scripted-model-1" }) {
    super({ replies: [], model });
    this.routes = rules.map(({ match, reply }) => ({ match, script: new ScriptedChatModel({ replies: [reply], model }) }));
  }

  async _generate(messages, options, runManager) {
    const text = lastUserText(messages);
    const { script } = this.routes.find(({ match }) => match.test(text)) ?? this.routes.at(-1);
    this.calls++;
    return script._generate(messages, options, runManager);
  }
}

/** `ChatOpenAI` when OPENAI_API_KEY is set (as {@link chatModel}), else a {@link RoutedChatModel} over `rules`. */
export async function routedChatModel(rules) {
  if (process.env.OPENAI_API_KEY) return chatModel([]);
  return new RoutedChatModel({ rules });
}
