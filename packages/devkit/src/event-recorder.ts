/**
 * The one event recorder every package's tests use: attach it to a bus, emit, then read what was
 * seen, in order. Structural (no import of @rx-telemetry/core), so devkit stays below core in the
 * build graph and core's own tests can use it too.
 *
 * ```ts
 * const seen = recordEvents(bus, [['db', 'query', 'stop']]);
 * bus.emit(['db', 'query', 'stop'], { duration: 5 }, { table: 'users' });
 * seen[0].event; // 'db.query.stop'
 * ```
 */
export interface RecordedEvent {
  /** The event name joined with dots, e.g. `'db.query.stop'`. */
  readonly event: string;
  /** The event name as emitted. */
  readonly name: readonly string[];
  readonly measurements: Readonly<Record<string, number>>;
  readonly metadata: Readonly<Record<string, unknown>>;
}

/** The part of a bus the recorder needs (a `Telemetry` has it). */
export interface RecordableBus {
  attachMany(
    id: string,
    events: (readonly string[])[],
    handler: (event: readonly string[], measurements: Readonly<Record<string, number>>, metadata: Readonly<Record<string, unknown>>) => void,
  ): void;
  detach(id: string): boolean;
}

let seq = 0;

/** A live array of every emission of `events` on `bus` from now on; `.stop()` detaches it. */
export function recordEvents(bus: RecordableBus, events: (readonly string[])[]): RecordedEvent[] & { stop(): void; named(event: string): RecordedEvent[] } {
  const id = `devkit-recorder-${++seq}`;
  const seen = [] as unknown as RecordedEvent[] & { stop(): void; named(event: string): RecordedEvent[] };
  bus.attachMany(id, events, (name, measurements, metadata) => {
    seen.push({ event: name.join('.'), name, measurements, metadata });
  });
  Object.defineProperty(seen, 'stop', { value: () => void bus.detach(id), enumerable: false });
  Object.defineProperty(seen, 'named', { value: (event: string) => seen.filter((e) => e.event === event), enumerable: false });
  return seen;
}
