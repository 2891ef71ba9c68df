interface Override {
  readonly target: object;
  readonly key: PropertyKey;
  /** The own property the wrapper replaced, if there was one (Dawn's methods live on prototypes). */
  readonly previous: PropertyDescriptor | undefined;
  readonly wrapper: unknown;
}

/**
 * Methods replaced on object instances (a device and its queue), undone by `restore()`: an own
 * property that was there before comes back, else the instance falls back to its prototype's.
 * A method that someone else replaced after us is left alone (restoring would drop their
 * wrapper); ours underneath it keeps passing calls through once the probe is closed.
 */
export class Overrides {
  readonly #entries: Override[] = [];

  set<T extends object, K extends keyof T & string>(target: T, key: K, wrapper: T[K]): void {
    this.#entries.push({ target, key, previous: Object.getOwnPropertyDescriptor(target, key), wrapper });
    target[key] = wrapper;
  }

  /** Undoes the overrides, newest first. Returns how many were left in place because someone replaced them. */
  restore(): number {
    let kept = 0;
    for (let i = this.#entries.length - 1; i >= 0; i--) {
      const { target, key, previous, wrapper } = this.#entries[i];
      if ((target as Record<PropertyKey, unknown>)[key] !== wrapper) {
        kept++;
        continue;
      }
      if (previous === undefined) delete (target as Record<PropertyKey, unknown>)[key];
      else Object.defineProperty(target, key, previous);
    }
    this.#entries.length = 0;
    return kept;
  }
}
