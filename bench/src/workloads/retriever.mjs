// SPDX-License-Identifier: Apache-2.0
import { Document } from "@langchain/core/documents";
import { BaseRetriever } from "@langchain/core/retrievers";

const DOCUMENTS = 20;
const DOCUMENT_BYTES = 2048;

/** A retriever over a fixed corpus: what a vector store returns, without the vector store's cost. */
class PolicyRetriever extends BaseRetriever {
  lc_namespace = ["bench", "retrievers"];

  constructor(documents) {
    super({});
    this.documents = documents;
  }

  async _getRelevantDocuments(_query) {
    return this.documents.slice();
  }
}

function policyText(i) {
  const sentence = `Section ${i}: refunds are issued to the original payment method within five business days. `;
  return sentence.repeat(Math.ceil(DOCUMENT_BYTES / sentence.length)).slice(0, DOCUMENT_BYTES);
}

/** (d) A retriever returning 20 documents of 2 KB each. */
export const retriever = {
  id: "d",
  name: "retriever",
  title: "retriever, 20 documents × 2 KB",
  runsPerInvoke: 1,
  iterations: { full: 5000, quick: 1500 },
  warmup: { full: 1500, quick: 600 },
  create() {
    const documents = Array.from(
      { length: DOCUMENTS },
      (_, i) => new Document({ pageContent: policyText(i), metadata: { source: `policies/refunds-${i}.md`, chunk: i } }),
    );
    const policies = new PolicyRetriever(documents);
    return {
      invoke: (config) => policies.invoke("How long does a refund take?", config),
      check: (docs) => Array.isArray(docs) && docs.length === DOCUMENTS && docs[0].pageContent.length === DOCUMENT_BYTES,
    };
  },
};
