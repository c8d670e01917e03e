// SPDX-License-Identifier: Apache-2.0
import { Document } from "@langchain/core/documents";
import { BaseRetriever } from "@langchain/core/retrievers";

const STOP_WORDS = new Set(["the", "and", "for", "are", "can", "how", "who", "what", "when", "with", "you", "your", "does", "have", "long", "from", "not", "its", "any", "one"]);

/** A crude stem: "returns", "returned" and "returning" all become "return". Applied to queries and documents alike. */
function stem(word) {
  const stemmed = word.replace(/(ing|ed|es|s)$/, "");
  return stemmed.length >= 3 ? stemmed : word;
}

/** The distinct stemmed words of three letters or more in `text`, stop words left out. */
export function keywords(text) {
  const words = text.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return new Set(words.filter((w) => w.length >= 3 && !STOP_WORDS.has(w)).map(stem));
}

/**
 * Finds documents by keyword overlap with the query: the `k` documents sharing the most keywords, best first,
 * ties in store order; documents sharing none are never returned. Good enough for a demo, with no embeddings.
 */
export class KeywordRetriever extends BaseRetriever {
  lc_namespace = ["langchain_otel", "examples", "retrievers"];

  static lc_name() {
    return "KeywordRetriever";
  }

  constructor({ documents, k = 3, ...fields }) {
    super(fields);
    this.k = k;
    this.index = documents.map((document) => ({ document, words: keywords(document.pageContent) }));
  }

  async _getRelevantDocuments(query) {
    const wanted = keywords(query);
    return this.index
      .map(({ document, words }, position) => ({ document, position, score: [...wanted].filter((w) => words.has(w)).length }))
      .filter((hit) => hit.score > 0)
      .sort((a, b) => b.score - a.score || a.position - b.position)
      .slice(0, this.k)
      .map(({ document, score }) => new Document({ id: document.id, pageContent: document.pageContent, metadata: { ...document.metadata, score } }));
  }
}
