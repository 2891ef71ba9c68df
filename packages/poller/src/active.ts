import type { EventHandle, Telemetry } from '@rx-telemetry/core';
import { ACTIVE_EVENT, ACTIVE_HANDLES_EVENT, ACTIVE_REQUESTS_EVENT, ACTIVE_RESOURCES_EVENT } from './events.js';
import type { Source } from './source.js';

/** Node's undocumented lists of libuv handles and requests (what prom-client reads); absent on some runtimes. */
interface ActiveLists {
  _getActiveHandles?: () => unknown[];
  _getActiveRequests?: () => unknown[];
}
const lists = process as unknown as ActiveLists;

/** The most types remembered per kind, so that a type that went away is reported as 0 once. */
const MAX_TYPES = 256;

/** Counts per type of one kind (resources, handles or requests), with a 0 for a type that went away. */
class PerType {
  #last = new Map<string, number>();
  readonly #metadata = new Map<string, Readonly<{ type: string }>>();

  constructor(readonly event: EventHandle) {}

  emit(counts: Map<string, number>): void {
    for (const [type, count] of counts) this.event.emit({ count }, this.#md(type));
    for (const type of this.#last.keys()) if (!counts.has(type)) this.event.emit({ count: 0 }, this.#md(type));
    this.#last = counts.size <= MAX_TYPES ? counts : new Map();
  }

  #md(type: string): Readonly<{ type: string }> {
    let md = this.#metadata.get(type);
    if (md === undefined) {
      md = Object.freeze({ type });
      if (this.#metadata.size < MAX_TYPES) this.#metadata.set(type, md);
    }
    return md;
  }
}

function countBy<T>(items: readonly T[], typeOf: (item: T) => string | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const type = typeOf(item);
    if (type !== undefined) counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return counts;
}

function className(item: unknown): string | undefined {
  if (item === null || item === undefined) return undefined;
  const name = (item as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' ? name : undefined;
}

/**
 * What keeps the event loop alive. `['vm','active']` `{ resources, handles, requests }`: totals;
 * `['vm','active','resources' | 'handles' | 'requests']` `{count}` `{type}`: one event per type
 * (resources from `process.getActiveResourcesInfo()`, handles and requests by class name from
 * Node's `process._getActiveHandles()`/`_getActiveRequests()` where they exist); a type that went
 * away is reported once with count 0.
 */
export function activeSource(telemetry: Telemetry): Source {
  const total = telemetry.event(ACTIVE_EVENT);
  const resources = new PerType(telemetry.event(ACTIVE_RESOURCES_EVENT));
  const handles = new PerType(telemetry.event(ACTIVE_HANDLES_EVENT));
  const requests = new PerType(telemetry.event(ACTIVE_REQUESTS_EVENT));
  return {
    name: 'active',
    poll() {
      const wantHandles = (total.active || handles.event.active) && typeof lists._getActiveHandles === 'function';
      const wantRequests = (total.active || requests.event.active) && typeof lists._getActiveRequests === 'function';
      if (!total.active && !resources.event.active && !wantHandles && !wantRequests) return;
      const r = process.getActiveResourcesInfo();
      const h = wantHandles ? (lists._getActiveHandles as () => unknown[])() : undefined;
      const q = wantRequests ? (lists._getActiveRequests as () => unknown[])() : undefined;
      if (total.active) {
        const m: Record<string, number> = { resources: r.length };
        if (h !== undefined) m.handles = h.length;
        if (q !== undefined) m.requests = q.length;
        total.emit(m);
      }
      if (resources.event.active) resources.emit(countBy(r, (t) => t));
      if (h !== undefined && handles.event.active) handles.emit(countBy(h, className));
      if (q !== undefined && requests.event.active) requests.emit(countBy(q, className));
    },
  };
}
