import { TraceFlags, type Attributes, type Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import { diag } from "../diag.js";
import { ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ } from "./attributes.js";
import { AuditChains } from "./chain.js";
import { canonicalJson } from "./canonical-json.js";
import { canonicalSpan } from "./from-sdk.js";
import { instanceIdOf } from "./instance.js";

type MutableAttributes = { -readonly [K in keyof Attributes]: Attributes[K] };

/**
 * Stamps every span it forwards with `audit.seq` and `audit.hash` (one chain per `service.instance.id`; see
 * README.md in this directory), then hands it to the downstream processor, normally the `BatchSpanProcessor`
 * of the audit exporter. Put it in the provider's processor list in place of that processor.
 *
 * Stamped in `onEnd`, in the order spans are forwarded, so the sequence is the order the exporter receives
 * them. A finished span cannot change through the API any more, so what is hashed is what is exported; the
 * two attributes are written straight into the span's attribute object (sdk-trace 3.1 keeps it a plain,
 * writable object after `end()`; `setAttribute` would refuse with a warning) and so bypass the attribute count
 * and length limits, which must never drop or cut them. Spans the downstream processor will not export are
 * forwarded unstamped: unsampled spans, and every span after {@link shutdown}. A span the downstream processor
 * drops for lack of room (full queue) leaves a gap in the sequence, which is how the loss shows.
 */
export class IntegritySpanProcessor implements SpanProcessor {
  private readonly _downstream: SpanProcessor;
  private readonly _chains = new AuditChains();
  private _isShutdown = false;

  constructor(downstream: SpanProcessor) {
    this._downstream = downstream;
  }

  onStart(span: Span, parentContext: Context): void {
    this._downstream.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    this._downstream.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    let forwarded = span;
    try {
      const sampled = (span.spanContext().traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;
      if (sampled && !this._isShutdown) forwarded = this._stamp(span);
    } catch (err) {
      diag.error("could not stamp a span with audit.seq and audit.hash; it is exported without them", err);
    }
    this._downstream.onEnd(forwarded);
  }

  forceFlush(): Promise<void> {
    return this._downstream.forceFlush();
  }

  shutdown(): Promise<void> {
    this._isShutdown = true;
    return this._downstream.shutdown();
  }

  /** The span with its stamp: itself, or a view of it with stamped attributes if its own cannot be written. */
  private _stamp(span: ReadableSpan): ReadableSpan {
    const target = Object.isExtensible(span.attributes) ? span : withOwnAttributes(span);
    const attributes = target.attributes as MutableAttributes;
    try {
      const { hash } = this._chains.append(instanceIdOf(span.resource), (seq) => {
        attributes[ATTR_AUDIT_SEQ] = seq;
        return canonicalJson(canonicalSpan(target));
      });
      attributes[ATTR_AUDIT_HASH] = hash;
    } catch (err) {
      diag.error("could not stamp a span with audit.seq and audit.hash; it is exported without them", err);
      delete attributes[ATTR_AUDIT_SEQ];
      delete attributes[ATTR_AUDIT_HASH];
    }
    return target;
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
