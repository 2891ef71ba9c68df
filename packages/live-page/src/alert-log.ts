import type { EventName, Measurements, Metadata, Telemetry } from '@rx-telemetry/core';

/** One alert as the page shows it. Times are epoch ms. */
export interface AlertRow {
  readonly name: string;
  readonly severity: string;
  readonly status: 'firing' | 'resolved';
  readonly labels: Readonly<Record<string, string>>;
  readonly summary: string;
  readonly value: number;
  readonly threshold: number;
  readonly startsAt: number;
  readonly endsAt: number | undefined;
}

const FIRED: EventName = ['telemetry', 'alert', 'fired'];
const RESOLVED: EventName = ['telemetry', 'alert', 'resolved'];
const KEEP_RESOLVED = 20;
const MAX_FIRING = 200;

function labelsOf(md: Metadata): Record<string, string> {
  const raw = md.labels;
  if (raw === null || typeof raw !== 'object') return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) out[k] = String(v);
  return out;
}

function summaryOf(md: Metadata): string {
  const a = md.annotations;
  if (a === null || typeof a !== 'object') return '';
  const s = (a as Record<string, unknown>).summary ?? (a as Record<string, unknown>).description;
  return typeof s === 'string' ? s : '';
}

/**
 * The alerts the bus reported (`['telemetry','alert','fired' | 'resolved']`, emitted by
 * @rx-telemetry/alerts): every one firing, and the latest 20 resolved. Bounded.
 */
export class AlertLog {
  /** Bumped on every change, so the page sends the table only when it changed. */
  version = 0;
  readonly #firing = new Map<string, AlertRow>();
  readonly #resolved: AlertRow[] = [];
  readonly #bus: Telemetry;
  readonly #id: string;

  constructor(bus: Telemetry, id: string) {
    this.#bus = bus;
    this.#id = id;
    bus.attachMany(id, [FIRED, RESOLVED], (event: EventName, m: Measurements, md: Metadata) => this.#on(event[2] === 'fired', m, md));
  }

  rows(): AlertRow[] {
    return [...[...this.#firing.values()].reverse(), ...this.#resolved];
  }

  firing(): number {
    return this.#firing.size;
  }

  detach(): void {
    this.#bus.detach(this.#id);
  }

  #on(fired: boolean, m: Measurements, md: Metadata): void {
    const labels = labelsOf(md);
    const name = String(md.name);
    const key = `${name}\u0000${JSON.stringify(labels)}`;
    const row: AlertRow = {
      name,
      severity: String(md.severity),
      status: fired ? 'firing' : 'resolved',
      labels,
      summary: summaryOf(md),
      value: m.value,
      threshold: m.threshold,
      startsAt: m.startsAt,
      endsAt: fired ? undefined : m.endsAt,
    };
    this.version++;
    if (fired) {
      this.#firing.delete(key);
      if (this.#firing.size >= MAX_FIRING) this.#firing.delete(this.#firing.keys().next().value as string);
      this.#firing.set(key, row);
      return;
    }
    this.#firing.delete(key);
    this.#resolved.unshift(row);
    if (this.#resolved.length > KEEP_RESOLVED) this.#resolved.length = KEEP_RESOLVED;
  }
}
