// SPDX-License-Identifier: Apache-2.0
// Run: pnpm start   (= node --import @langchain-otel/node/register src/main.mjs)
// The app below has no tracing code: the --import flag traces the retrieval, the prompt, the model and the parser.
import { Document } from "@langchain/core/documents";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableLambda, RunnablePassthrough, RunnableSequence } from "@langchain/core/runnables";
import { chatModel, showTrail } from "@langchain-otel/example-support";
import { KeywordRetriever } from "./keyword-retriever.mjs";

const handbook = [
  ["returns-window", "Unused items can be returned within 30 days of purchase with the receipt."],
  ["returns-shipping", "Return shipping is free for damaged items; otherwise a prepaid return label costs $5."],
  ["shipping-times", "Standard shipping takes 3 to 5 business days; express shipping arrives the next business day."],
  ["shipping-international", "International orders ship within 10 business days and may owe customs duties."],
  ["warranty", "Jackets, boots and other outerwear carry a two-year warranty against manufacturing defects."],
  ["gift-cards", "Gift cards never expire and cannot be exchanged for cash."],
  ["price-match", "We match the price of an identical item sold by a local store within 14 days of purchase."],
  ["loyalty", "Members earn one point per dollar spent; 100 points are worth a $5 voucher."],
].map(([id, text]) => new Document({ id, pageContent: text, metadata: { source: `handbook#${id}` } }));

const retriever = new KeywordRetriever({ documents: handbook, k: 3 });

const formatDocs = RunnableLambda.from((docs) => docs.map((doc) => `[${doc.id}] ${doc.pageContent}`).join("\n")).withConfig({
  runName: "format_docs",
});
const retrieveContext = RunnableSequence.from([({ question }) => question, retriever, formatDocs]).withConfig({ runName: "retrieve_context" });

const prompt = ChatPromptTemplate.fromMessages([
  ["system", "Answer from the handbook excerpts below only, in one or two sentences, citing excerpt ids.\n{context}"],
  ["human", "{question}"],
]);
// Offline, the model gives this scripted answer; with OPENAI_API_KEY set, a real model reads the excerpts.
const model = await chatModel([
  "You can return an unused jacket within 30 days with the receipt [returns-window]; return shipping is free if it is damaged, otherwise the label costs $5 [returns-shipping].",
]);

const answer = RunnablePassthrough.assign({ context: retrieveContext })
  .pipe(prompt)
  .pipe(model)
  .pipe(new StringOutputParser())
  .withConfig({ runName: "handbook_answer" });

const question = "How many days do I have to return a jacket, and who pays the return shipping?";
console.log(`question: ${question}`);
console.log(`answer: ${await answer.invoke({ question })}`);

await showTrail();
