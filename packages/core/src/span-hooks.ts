import type { EventName } from './event-name.js';
import type { SpanContextHook, SpanContextInfo, SpanContextOptions, SpanEndInfo } from './span-context.js';

type ReportFailure = (event: EventName, error: unknown) => void;

interface Entry {
  readonly hook: SpanContextHook;
  readonly onEnd: ((end: SpanEndInfo) => void) | undefined;
  readonly onStart: ((span: SpanContextInfo) => void) | undefined;
}

/**
 * The span-context hooks of a bus (`bindSpanContext`): context systems such as OpenTelemetry's
 * that every span callback runs inside, and that learn when spans start by hand and end.
 * Each call into a hook is isolated: one that throws is reported, never thrown into the span.
 */
export class SpanHooks {
  /** All hooks composed into one, or undefined when none is bound (the idle check). */
  wrap: SpanContextHook | undefined = undefined;
  onEnds: readonly ((end: SpanEndInfo) => void)[] = [];
  onStarts: readonly ((span: SpanContextInfo) => void)[] = [];
  readonly #list: Entry[] = [];
  readonly #reportFailure: ReportFailure;

  constructor(reportFailure: ReportFailure) {
    this.#reportFailure = reportFailure;
  }

  bind(hook: SpanContextHook, options?: SpanContextOptions): () => void {
    if (typeof hook !== 'function') throw new TypeError('bindSpanContext: hook must be a function');
    const onEnd = options?.onEnd;
    if (onEnd !== undefined && typeof onEnd !== 'function') throw new TypeError('bindSpanContext: options.onEnd must be a function');
    const onStart = options?.onStart;
    if (onStart !== undefined && typeof onStart !== 'function') throw new TypeError('bindSpanContext: options.onStart must be a function');
    const entry: Entry = { hook, onEnd, onStart };
    this.#list.push(entry);
    this.#compose();
    return () => {
      const i = this.#list.indexOf(entry);
      if (i !== -1) {
        this.#list.splice(i, 1);
        this.#compose();
      }
    };
  }

  /** Tells every `onStart` about a span started by hand (`startSpan`). */
  started(prefix: EventName, span: SpanContextInfo): void {
    for (const onStart of this.onStarts) {
      try {
        onStart(span);
      } catch (failure) {
        this.#reportFailure([...prefix, 'start'], failure);
      }
    }
  }

  /** Tells every `onEnd` how a span ended. */
  ended(prefix: EventName, end: SpanEndInfo): void {
    for (const onEnd of this.onEnds) {
      try {
        onEnd(end);
      } catch (failure) {
        this.#reportFailure([...prefix, end.failed ? 'exception' : 'stop'], failure);
      }
    }
  }

  /**
   * Runs `fn` inside every hook. The callback runs exactly once whatever the hooks do: a hook
   * that throws before calling it is reported and `fn` runs bare; one that throws after it ran
   * is reported and `fn`'s own result (or error) is what the caller gets. One closure per span
   * (its context holds the bookkeeping): the bridged span's budget is counted in closures.
   */
  run<T>(prefix: EventName, span: SpanContextInfo, fn: () => T): T {
    const wrap = this.wrap as SpanContextHook;
    let state = 0; // 0: not run, 1: returned, 2: threw
    let result: T | undefined;
    let error: unknown;
    const inner = (): T => {
      state = 2;
      try {
        result = fn();
      } catch (e) {
        error = e;
        throw e;
      }
      state = 1;
      return result;
    };
    try {
      return wrap(span, inner);
    } catch (failure) {
      if (state === 2 && failure === error) throw failure;
      this.#reportFailure([...prefix, 'start'], failure);
      if (state === 0) return fn();
      if (state === 2) throw error;
      return result as T;
    }
  }

  #compose(): void {
    const hooks = this.#list.map((e) => e.hook);
    this.onEnds = this.#list.flatMap((e) => (e.onEnd === undefined ? [] : [e.onEnd]));
    this.onStarts = this.#list.flatMap((e) => (e.onStart === undefined ? [] : [e.onStart]));
    if (hooks.length === 0) this.wrap = undefined;
    else if (hooks.length === 1) this.wrap = hooks[0];
    else {
      this.wrap = <T>(span: SpanContextInfo, fn: () => T): T => {
        const run = (i: number): T => (i === hooks.length ? fn() : hooks[i](span, () => run(i + 1)));
        return run(0);
      };
    }
  }
}
