// SPDX-License-Identifier: Apache-2.0
// Run: pnpm start   (= node --import @langchain-otel/node/register src/main.mjs)
// The app below has no tracing code: the --import flag traces the graph, each node and the model calls.
import { HumanMessage, SystemMessage } from "@langchain/core/messages";
import { Annotation, END, MemorySaver, START, StateGraph } from "@langchain/langgraph";
import { chatModel, showTrail } from "@langchain-otel/example-support";

const MAX_ROUNDS = 3;

const ReplyState = Annotation.Root({
  ticket: Annotation(),
  category: Annotation(),
  reply: Annotation(),
  feedback: Annotation({ reducer: (all, next) => [...all, ...next], default: () => [] }),
  approved: Annotation({ reducer: (_, next) => next, default: () => false }),
  rounds: Annotation({ reducer: (_, next) => next, default: () => 0 }),
});

// Offline, the model follows this script (the first draft misses the timeline); with OPENAI_API_KEY, a real model writes.
const model = await chatModel([
  "Hello! We are sorry your order A-1001 arrived damaged. A full refund has been issued.",
  "Hello! We are sorry your order A-1001 arrived damaged. A full refund has been issued and reaches your card within 5 business days.",
]);

function classify({ ticket }) {
  const category = /refund|damaged|broken/i.test(ticket) ? "refund" : /where|shipping|arrive/i.test(ticket) ? "shipping" : "other";
  return { category };
}

async function draft({ ticket, category, feedback }, config) {
  const message = await model.invoke(
    [
      new SystemMessage(`You write short, friendly replies to ${category} tickets. Mention the order id and, for refunds, when the money arrives.`),
      new HumanMessage([`Ticket: ${ticket}`, ...feedback.map((note) => `Reviewer: ${note}`)].join("\n")),
    ],
    config,
  );
  return { reply: String(message.content) };
}

// A rule-based reviewer, so the loop's exit is the app's decision, not the model's.
function review({ ticket, reply, rounds }) {
  const orderId = ticket.match(/[A-Z]-\d{4}/)?.[0];
  const notes = [];
  if (orderId && !reply.includes(orderId)) notes.push(`Mention order ${orderId}.`);
  if (!/business days/.test(reply)) notes.push("Say how many business days the refund takes.");
  return { approved: notes.length === 0, feedback: notes, rounds: rounds + 1 };
}

const graph = new StateGraph(ReplyState)
  .addNode("classify", classify)
  .addNode("draft", draft)
  .addNode("review", review)
  .addEdge(START, "classify")
  .addEdge("classify", "draft")
  .addEdge("draft", "review")
  .addConditionalEdges("review", ({ approved, rounds }) => (approved || rounds >= MAX_ROUNDS ? END : "draft"), ["draft", END])
  .compile({ checkpointer: new MemorySaver(), name: "support_reply" });

const config = { configurable: { thread_id: "ticket-4711" } };
const result = await graph.invoke({ ticket: "My order A-1001 arrived damaged, I want a refund." }, config);
console.log(`category: ${result.category}, rounds: ${result.rounds}, approved: ${result.approved}`);
console.log(`reply: ${result.reply}`);
// The checkpointer kept the thread's state; a later invoke with the same thread_id would resume from it.
const saved = await graph.getState(config);
console.log(`checkpoint of thread ${config.configurable.thread_id}: step ${saved.metadata?.step}, next: [${saved.next.join(", ")}]`);

await showTrail();
