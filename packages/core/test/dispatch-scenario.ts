// One run through every dispatch semantic (order past the written-out calls, a throw at each
// position, onFailure 'keep', detach and attach during dispatch, streams last), used in-process
// and in a child process where code generation from strings is disallowed.
import type * as Core from '../src/index.js';

export const EVENT = ['svc', 'op', 'stop'];

export interface ScenarioResult {
  readonly order: string[];
  readonly failures: string[];
  readonly left: string[];
}

export type Route = 'shared' | 'by-name-compiled' | 'handle' | 'handle-past-cap';
export const ROUTES: readonly Route[] = ['shared', 'by-name-compiled', 'handle', 'handle-past-cap'];

/**
 * `route` picks how the scenario emits: by name through the shared loop, by name on a node that
 * has code of its own (a handle was made), through a handle, or through a handle made after the
 * bus compiled `maxCompiled` nodes.
 */
export function scenario(core: typeof Core, route: Route, maxCompiled: number): ScenarioResult {
  const t = new core.Telemetry();
  const order: string[] = [];
  const failures: string[] = [];
  t.attach('failures', core.HANDLER_FAILURE_EVENT, (_e, _m, md) => void failures.push(`${String(md.handlerId)}:${(md.error as Error).message}`));
  let emit: (m: Core.Measurements, md?: Core.Metadata) => void = (m, md) => t.emit(EVENT, m, md);
  if (route === 'by-name-compiled') t.event(EVENT);
  if (route === 'handle-past-cap') for (let i = 0; i < maxCompiled; i++) t.event(['other', String(i)]);
  if (route === 'handle' || route === 'handle-past-cap') {
    const handle = t.event(EVENT);
    emit = (m, md) => handle.emit(m, md);
  }
  t.events(EVENT).subscribe((e) => order.push(`stream:${String(e.measurements.round)}`));
  for (let k = 0; k < 6; k++) {
    t.attach(`h${k}`, EVENT, (_e, m) => {
      order.push(`h${k}:${m.round}`);
      if (m.round === k) throw new Error(`boom ${k}`);
    });
  }
  t.attach('keep', EVENT, (_e, m) => {
    order.push(`keep:${m.round}`);
    if (m.round === 0) throw new Error('kept');
  }, undefined, { onFailure: 'keep' });
  t.attach('detacher', EVENT, (_e, m) => {
    order.push(`detacher:${m.round}`);
    if (m.round === 6) {
      t.detach('late'); // attached after this one: still runs this round (copy-on-write)
      t.attach('new', EVENT, (_e2, m2) => void order.push(`new:${m2.round}`)); // runs from the next round
    }
  });
  t.attach('late', EVENT, (_e, m) => void order.push(`late:${m.round}`));
  for (let round = 0; round < 8; round++) emit({ round });
  return { order, failures, left: t.listHandlers(EVENT).map((h) => h.id) };
}
