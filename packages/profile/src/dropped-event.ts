import type { EventName } from '@rx-telemetry/core';

/** Spans or counter readings a profile (or recentTraces) could not keep: see docs/events.md. */
export const PROFILE_DROPPED_EVENT: EventName = Object.freeze(['telemetry', 'profile', 'dropped']);
