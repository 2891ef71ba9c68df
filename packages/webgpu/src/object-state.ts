// Per-object state for Dawn objects (encoders, passes, command buffers, pipelines).
// A WeakMap keyed by a Dawn object costs ~0.5 µs per set and ~0.3 µs per get on this
// machine (V8 must give the native wrapper an identity hash); a string-keyed own property
// costs tens of ns. The property is non-enumerable-by-convention: its name says whose it is.
const KEY = '__rxTelemetry';

type WithState<S> = { [KEY]?: S };

export function getState<S>(target: object): S | undefined {
  return (target as WithState<S>)[KEY];
}

export function setState<S>(target: object, state: S | undefined): void {
  (target as WithState<S>)[KEY] = state;
}
