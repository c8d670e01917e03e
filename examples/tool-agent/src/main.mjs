// SPDX-License-Identifier: Apache-2.0
// Run: pnpm start   (= node --import @langchain-otel/node/register src/main.mjs)
// The app below has no tracing code: the --import flag traces the agent, its model calls and its tools.
import { tool } from "@langchain/core/tools";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { z } from "zod";
import { chatModel, showTrail } from "@langchain-otel/example-support";

const ORDERS = new Map([
  ["A-1001", { status: "delivered", item: "rain jacket", total: 89.0 }],
  ["A-1002", { status: "in transit", item: "hiking boots", total: 149.0 }],
]);

const getOrderStatus = tool(
  async ({ orderId }) => {
    const order = ORDERS.get(orderId);
    if (!order) throw new Error(`Unknown order ${orderId}`);
    return `Order ${orderId} (${order.item}, $${order.total.toFixed(2)}) is ${order.status}.`;
  },
  {
    name: "get_order_status",
    description: "Looks up the status of an order by its id",
    schema: z.object({ orderId: z.string().describe("An order id such as A-1001") }),
  },
);

const refundOrder = tool(
  async ({ orderId, reason }) => {
    const order = ORDERS.get(orderId);
    if (!order) throw new Error(`Unknown order ${orderId}`);
    return `Refund of $${order.total.toFixed(2)} for order ${orderId} issued (${reason}).`;
  },
  {
    name: "refund_order",
    description: "Refunds a delivered order in full",
    schema: z.object({ orderId: z.string(), reason: z.string() }),
  },
);

// Offline, the model follows this script; with OPENAI_API_KEY set, a real model decides.
const model = await chatModel([
  { content: "", toolCalls: [{ name: "get_order_status", args: { orderId: "A-1001" } }] },
  { content: "", toolCalls: [{ name: "refund_order", args: { orderId: "A-1001", reason: "arrived damaged" } }] },
  "Your rain jacket (order A-1001) was delivered, and I have refunded the full $89.00 because it arrived damaged.",
  { content: "", toolCalls: [{ name: "refund_order", args: { orderId: "A-9999", reason: "never arrived" } }] },
  "I could not find order A-9999, so no refund was issued. Please check the order id on your receipt.",
]);

const agent = createReactAgent({
  llm: model,
  tools: [getOrderStatus, refundOrder],
  name: "support_agent",
  prompt: "You are a store support agent. Check an order's status before refunding it. Be brief.",
});

const metadata = { session_id: "demo-session-7", user_id: "demo-user-42" };
const questions = [
  "My order A-1001 arrived damaged. Can I get a refund?",
  // The refund tool throws for an unknown order; the agent's ToolNode turns that into an error ToolMessage.
  "Please also refund order A-9999, it never arrived.",
];
for (const question of questions) {
  console.log(`user: ${question}`);
  const { messages } = await agent.invoke({ messages: [{ role: "user", content: question }] }, { metadata });
  console.log(`agent: ${messages.at(-1).content}`);
}

// One trace per request: the agent run is the root of each.
await showTrail();
