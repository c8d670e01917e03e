// SPDX-License-Identifier: Apache-2.0
import { TraceFlags, type Attributes, type Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { diag } from "../diag.js";
import { ChainStamper, type IntegrityProcessorOptions } from "./chain-stamper.js";
import { canonicalJson } from "./canonical-json.js";
import { canonicalSpan } from "./from-sdk.js";

type MutableAttributes = { -readonly [K in keyof Attributes]: Attributes[K] };

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
export class IntegritySpanProcessor extends ChainStamper<ReadableSpan, SpanProcessor> implements SpanProcessor {
  constructor(downstream: SpanProcessor, options: IntegrityProcessorOptions = {}) {
    super("traces", "span", downstream, options, (span) => span.resource);
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
    if (sampled && !this._isShutdown) this._submit(span);
    else this._downstream.onEnd(span);
  }

  /**
   * Stamps the span (itself, or a view of it with its own attributes if its attribute object cannot be written)
   * and forwards it.
   */
  protected _forward(span: ReadableSpan): void {
    let target = span;
    this._forwardStamped(
      span.resource,
      () => {
        target = Object.isExtensible(span.attributes) ? span : withOwnAttributes(span);
        return target.attributes as MutableAttributes;
      },
      () => canonicalJson(canonicalSpan(target)),
      () => this._downstream.onEnd(target),
    );
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
