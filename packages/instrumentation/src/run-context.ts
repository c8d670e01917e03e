// SPDX-License-Identifier: Apache-2.0
import type { Context } from "@opentelemetry/api";

/**
 * An OpenTelemetry context for a run that is about to start: until the run's span exists (and after it
 * ends) it reads as `parent`; while the run is open it reads as the run's own context, with its span active.
 * It lets a model call's own work (HTTP requests from the provider SDK) nest under the model's span, although
 * LangChain starts that span inside the call, after the call's context was fixed.
 */
export class PendingRunContext implements Context {
  constructor(
    private readonly _parent: Context,
    private readonly _runId: string,
    private readonly _lookup: (runId: string) => Context | undefined,
  ) {}

  private _current(): Context {
    return this._lookup(this._runId) ?? this._parent;
  }

  getValue(key: symbol): unknown {
    return this._current().getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this._current().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this._current().deleteValue(key);
  }
}
