import type { EventName, Measurements, Metadata } from './event-name.js';

/**
 * Emitted once per event name when it is emitted on one bus, nobody listens there, and another
 * bus has handlers for it: free `emit`/`span` (the default `telemetry` bus) feeding a reporter
 * built on `new Telemetry()`, or the reverse. Emitted on both buses; Node also prints a warning.
 */
export const WRONG_BUS_EVENT: EventName = Object.freeze(['telemetry', 'bus', 'wrong_bus']);

/** What this check needs from a bus. */
export interface ProbedBus {
  hasHandlers(event: EventName): boolean;
  emit(event: EventName, measurements: Measurements, metadata: Metadata): void;
}

// At most this many names are warned about per process: the check must never become a cost.
const MAX_WARNINGS = 100;

let defaultBus: WeakRef<ProbedBus> | undefined;
const others = new Set<WeakRef<ProbedBus>>();
const collected = new FinalizationRegistry<WeakRef<ProbedBus>>((ref) => others.delete(ref));
const warned = new Set<string>();
let reporting = false;

/** True while a check could find anything: a default bus and another bus both exist. Read on the idle path only. */
export let probing = false;

function update(): void {
  probing = defaultBus !== undefined && others.size !== 0 && warned.size < MAX_WARNINGS;
}

/** Registers a bus (the default one with `isDefault`). */
export function registerBus(bus: ProbedBus, isDefault: boolean): void {
  const ref = new WeakRef(bus);
  if (isDefault) {
    for (const other of others) if (other.deref() === bus) others.delete(other);
    defaultBus = ref;
  } else {
    others.add(ref);
    collected.register(bus, ref);
  }
  update();
}

/** Called when `name` was emitted on `bus` and nobody listened there: warns if the listeners are on the other side. */
export function checkWrongBus(bus: ProbedBus, name: EventName): void {
  const main = defaultBus?.deref();
  if (main === undefined || reporting) return;
  let holder: ProbedBus | undefined;
  if (bus === main) {
    for (const ref of others) {
      const other = ref.deref();
      if (other !== undefined && other.hasHandlers(name)) {
        holder = other;
        break;
      }
    }
  } else if (main.hasHandlers(name)) holder = main;
  if (holder === undefined) return;
  const key = name.join('.');
  if (warned.has(key)) return;
  warned.add(key);
  update();
  const emitted = bus === main ? 'the default bus (free emit/span)' : 'a new Telemetry() bus';
  const listening = bus === main ? 'another Telemetry instance' : 'the default bus';
  const metadata = { event: Object.freeze([...name]), emittedOn: bus === main ? 'default' : 'instance', listenersOn: bus === main ? 'instance' : 'default' };
  // The warning event itself is emitted where nobody may listen: it must not be checked in turn.
  reporting = true;
  try {
    holder.emit(WRONG_BUS_EVENT, { count: warned.size }, metadata);
    bus.emit(WRONG_BUS_EVENT, { count: warned.size }, metadata);
  } finally {
    reporting = false;
  }
  process.emitWarning(`rx-telemetry: ${key} was emitted on ${emitted} with nobody listening, but ${listening} has handlers for it: pass the same bus to the parts you compose (docs/lifecycle.md)`, { code: 'RX_TELEMETRY_WRONG_BUS' });
}
