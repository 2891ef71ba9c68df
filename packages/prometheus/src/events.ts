import type { EventName } from '@rx-telemetry/core';

/** Span events around each scrape served by `listen()` and each `push()`. */
export const SCRAPE_EVENT: EventName = Object.freeze(['telemetry', 'prometheus', 'scrape']);
export const PUSH_EVENT: EventName = Object.freeze(['telemetry', 'prometheus', 'push']);
/** A `listen()` server closed a connection to bound what it holds (see docs/events.md). */
export const CONNECTION_CLOSED_EVENT: EventName = Object.freeze(['telemetry', 'prometheus', 'connection_closed']);
/** An extra route of `listen({ routes })` threw or rejected (see docs/events.md). */
export const ROUTE_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'prometheus', 'route_failure']);
