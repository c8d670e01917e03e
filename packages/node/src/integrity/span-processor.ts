// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from "node:crypto";
import { TraceFlags, type Attributes, type Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { diag } from "../diag.js";
import { ATTR_AUDIT_CHAIN, ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ } from "./attributes.js";
import { AuditChains, type ChainLink } from "./chain.js";
import { canonicalJson } from "./canonical-json.js";
import type { AuditCheckpointer } from "./checkpointer.js";
import { canonicalSpan } from "./from-sdk.js";
import { instanceIdOf } from "./instance.js";
import { ResourceGate } from "./resource-gate.js";

type MutableAttributes = { -readonly [K in keyof Attributes]: Attributes[K] };

/** Options of the integrity processors. */
export interface IntegrityProcessorOptions {
  /**
   * Signs the chains this processor stamps: it is told every record stamped, and emits signed checkpoints and,
   * at exit, the seal. Give the same checkpointer to the span and the log record processor.
   * @default none: the chains are hashed, not signed
   */
  readonly checkpointer?: AuditCheckpointer | undefined;
  /**
   * `audit.chain` of every record stamped: with `service.instance.id` it names the chain. Give the span and the
   * log record processor of one process the same.
   * @default a random UUID
   */
  readonly chainId?: string | undefined;
}

/**
 * Stamps every span it forwards with `audit.chain`, `audit.seq` and `audit.hash` (one chain per
 * `service.instance.id` and chain ID; see
 * README.md in this directory), then hands it to the downstream processor, normally the `BatchSpanProcessor`
 * of the audit exporter. Put it in the provider's processor list in place of that processor.
 *
 * Stamped in `onEnd`, in the order spans are forwarded, so the sequence is the order the exporter receives
 * them. A finished span cannot change through the API any more, so what is hashed is what is exported; the
 * three attributes are written straight into the span's attribute object (sdk-trace 3.1 keeps it a plain,
 * writable object after `end()`; `setAttribute` would refuse with a warning) and so bypass the attribute count
 * and length limits, which must never drop or cut them. The hash covers the span's resource: while the resource
 * is still detecting attributes (the first milliseconds of a process), spans wait, in order, until it has
 * settled. Spans the downstream processor will not export are forwarded unstamped: unsampled spans, and every
 * span after {@link shutdown}. A span the downstream processor drops for lack of room (full queue) leaves a gap
 * in the sequence, which is how the loss shows.
 */
export class IntegritySpanProcessor implements SpanProcessor {
  private readonly _downstream: SpanProcessor;
  /** `audit.chain` of every record this processor stamps. */
  readonly chainId: string;
  private readonly _chains = new AuditChains();
  private readonly _checkpointer: AuditCheckpointer | undefined;
  private readonly _gate: ResourceGate<ReadableSpan>;
  private _isShutdown = false;

  constructor(downstream: SpanProcessor, options: IntegrityProcessorOptions = {}) {
    this._downstream = downstream;
    this.chainId = options.chainId ?? randomUUID();
    this._checkpointer = options.checkpointer;
    this._gate = new ResourceGate<ReadableSpan>(
      (span) => span.resource,
      (span) => this._forward(span),
    );
    this._checkpointer?.addHolder(this);
  }

  /**
   * Stamps and forwards every span held while the resource settles, now, and every later one as it comes: for
   * the synchronous exit path, which cannot wait.
   */
  releaseHeld(): void {
    this._gate.releaseAll();
  }

  onStart(span: Span, parentContext: Context): void {
    this._downstream.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    this._downstream.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    let sampled = false;
    try {
      sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
    } catch (err) {
      diag.error("could not read a span's context; it is exported without audit.seq and audit.hash", err);
    }
    if (sampled && !this._isShutdown) this._gate.submit(span);
    else this._downstream.onEnd(span);
  }

  /** Resolves once no spans wait for their resource to settle (every one received so far is stamped). */
  whenSettled(): Promise<void> {
    return this._gate.settled();
  }

  async forceFlush(): Promise<void> {
    await this._gate.settled();
    return this._downstream.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this._gate.settled();
    this._isShutdown = true;
    return this._downstream.shutdown();
  }

  /** Stamps the span, forwards it, then tells the checkpointer (whose checkpoint, if due, follows the span). */
  private _forward(span: ReadableSpan): void {
    let forwarded = span;
    let link: ChainLink | undefined;
    let instance = "";
    try {
      instance = instanceIdOf(span.resource);
      [forwarded, link] = this._stamp(span, instance);
    } catch (err) {
      diag.error("could not stamp a span with audit.seq and audit.hash; it is exported without them", err);
    }
    this._downstream.onEnd(forwarded);
    if (link !== undefined) this._checkpointer?.appended({ signal: "traces", instance, chain: this.chainId }, link, false);
  }

  /** The span with its stamp: itself, or a view of it with stamped attributes if its own cannot be written. */
  private _stamp(span: ReadableSpan, instance: string): [ReadableSpan, ChainLink | undefined] {
    const target = Object.isExtensible(span.attributes) ? span : withOwnAttributes(span);
    const attributes = target.attributes as MutableAttributes;
    try {
      const link = this._chains.append(instance, (seq) => {
        attributes[ATTR_AUDIT_CHAIN] = this.chainId;
        attributes[ATTR_AUDIT_SEQ] = seq;
        return canonicalJson(canonicalSpan(target));
      });
      attributes[ATTR_AUDIT_HASH] = link.hash;
      return [target, link];
    } catch (err) {
      diag.error("could not stamp a span with audit.seq and audit.hash; it is exported without them", err);
      delete attributes[ATTR_AUDIT_CHAIN];
      delete attributes[ATTR_AUDIT_SEQ];
      delete attributes[ATTR_AUDIT_HASH];
      return [target, undefined];
    }
  }
}

/**
 * A span that reads as `span` (every member, through the prototype chain, getters included) but has its own
 * copy of the attributes, for SDK versions or wrappers whose attribute object is frozen (not extensible).
 */
function withOwnAttributes(span: ReadableSpan): ReadableSpan {
  return Object.create(span, {
    attributes: { value: { ...span.attributes }, enumerable: true, writable: false, configurable: false },
  }) as ReadableSpan;
}
