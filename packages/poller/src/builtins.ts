/** A measurement the poller knows by name (see docs/poller.md for the events each emits). */
export type BuiltinMeasurement = 'memory' | 'cpu' | 'event_loop' | 'event_loop_lag' | 'gc' | 'heap_spaces' | 'active' | 'process' | 'gpu';

/** Every built-in measurement. */
export const BUILTIN_MEASUREMENTS: readonly BuiltinMeasurement[] = Object.freeze(['memory', 'cpu', 'event_loop', 'event_loop_lag', 'gc', 'heap_spaces', 'active', 'process', 'gpu']);

/** What is polled without `measurements` or `preset`. */
export const DEFAULT_MEASUREMENTS: readonly BuiltinMeasurement[] = Object.freeze(['memory', 'cpu', 'event_loop', 'gc', 'gpu']);
