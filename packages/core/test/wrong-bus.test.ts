import { expect } from 'chai';
import { span, emit, Telemetry, telemetry } from '../src/index.js';
import { recordEvents } from '@rx-telemetry/devkit/event-recorder';

describe('a wiring mistake between the default bus and another', () => {
  it('warns once when free span() feeds handlers that sit on a new Telemetry()', () => {
    const mine = new Telemetry();
    const stops = recordEvents(mine, [['wrongbus', 'query', 'stop']]);
    const warnings = recordEvents(mine, [['telemetry', 'bus', 'wrong_bus']]);
    const printed: string[] = [];
    const onWarning = (w: Error & { code?: string }): void => void printed.push(w.code ?? '');
    process.on('warning', onWarning);
    span(['wrongbus', 'query'], {}, () => 1);
    span(['wrongbus', 'query'], {}, () => 1);
    return new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      process.off('warning', onWarning);
      expect([stops.length, warnings.length, warnings[0].metadata.emittedOn, printed]).to.deep.equal([0, 1, 'default', ['RX_TELEMETRY_WRONG_BUS']]);
    });
  });

  it('warns when a new Telemetry() emits what only the default bus listens to', () => {
    const seen = recordEvents(telemetry, [['wrongbus2', 'x']]);
    const warnings = recordEvents(telemetry, [['telemetry', 'bus', 'wrong_bus']]);
    new Telemetry().emit(['wrongbus2', 'x'], {});
    seen.stop();
    warnings.stop();
    expect([seen.length, warnings.map((w) => w.metadata.listenersOn)]).to.deep.equal([0, ['default']]);
  });

  it('says nothing when nobody listens anywhere', () => {
    const mine = new Telemetry();
    const warnings = recordEvents(mine, [['telemetry', 'bus', 'wrong_bus']]);
    emit(['nobody', 'anywhere'], {});
    expect(warnings.length).to.equal(0);
  });
});
