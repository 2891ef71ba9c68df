import { Observable, Subscriber, type Observer, type Operator, type Subscription, type TeardownLogic } from 'rxjs';

/** Called when a consumer of an event stream throws or errors with nobody to receive it. */
export type ConsumerFailure = (error: unknown) => void;

type NextFn<T> = (value: T) => void;

/**
 * An Observable whose consumers are isolated like handlers.
 *
 * RxJS catches an error thrown by a subscriber's `next` and re-throws it later on a timer, which
 * reaches `uncaughtException` and usually kills the process. Operators created with `pipe` go
 * through `lift`, so overriding `lift` keeps the whole chain an EventStream, and overriding
 * `subscribe` lets us guard the consumer's callbacks: a throwing consumer is unsubscribed and
 * reported, the emitter and the other subscribers never notice.
 *
 * ```ts
 * const sub = telemetry.events(['compute', '*', 'stop'])
 *   .pipe(bufferTime(1000))
 *   .subscribe((batch) => console.log(batch.length));
 * ```
 */
export class EventStream<T> extends Observable<T> {
  readonly #onFailure: ConsumerFailure;

  constructor(subscribe: ((this: Observable<T>, subscriber: Subscriber<T>) => TeardownLogic) | undefined, onFailure: ConsumerFailure) {
    super(subscribe);
    this.#onFailure = onFailure;
  }

  /** @internal keeps operator chains isolated (see the class comment). */
  override lift<R>(operator?: Operator<T, R>): Observable<R> {
    const lifted = new EventStream<R>(undefined, this.#onFailure);
    lifted.source = this;
    lifted.operator = operator;
    return lifted;
  }

  override subscribe(
    observerOrNext?: Partial<Observer<T>> | NextFn<T> | null,
    error?: ((err: unknown) => void) | null,
    complete?: (() => void) | null,
  ): Subscription {
    // Internal subscribers (operators, firstValueFrom) handle their own errors.
    if (observerOrNext instanceof Subscriber) return super.subscribe(observerOrNext);
    const consumer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? { next: observerOrNext ?? undefined, error: error ?? undefined, complete: complete ?? undefined }
        : observerOrNext;
    const onFailure = this.#onFailure;
    let subscription: Subscription | undefined;
    let failed = false;
    const fail = (err: unknown): void => {
      failed = true;
      subscription?.unsubscribe();
      onFailure(err);
    };
    const guarded: Observer<T> = {
      next: (value) => {
        if (failed || consumer.next === undefined) return;
        try {
          // An async consumer's rejection is a failure like a throw (never an unhandled rejection).
          const result = consumer.next(value) as unknown;
          if (result !== undefined && typeof (result as PromiseLike<unknown>).then === 'function') {
            (result as PromiseLike<unknown>).then(undefined, (err: unknown) => {
              if (!failed) fail(err);
            });
          }
        } catch (err) {
          fail(err);
        }
      },
      error: (err) => {
        if (failed) return;
        if (consumer.error === undefined) return fail(err);
        try {
          consumer.error(err);
        } catch (inner) {
          fail(inner);
        }
      },
      complete: () => {
        if (failed || consumer.complete === undefined) return;
        try {
          consumer.complete();
        } catch (err) {
          fail(err);
        }
      },
    };
    subscription = super.subscribe(guarded);
    if (failed) subscription.unsubscribe();
    return subscription;
  }
}
