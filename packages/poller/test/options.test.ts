import { Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import { PerformanceObserver } from 'node:perf_hooks';
import { startPoller, type PollerMeasurement, type PollerOptions } from '../src/index.js';

describe('poller: options', () => {
  const bad: [string, PollerOptions, RegExp][] = [
    ['a missing periodMs', {} as PollerOptions, /periodMs must be a positive number/],
    ['periodMs 0', { periodMs: 0 }, /periodMs must be a positive number.*got 0/],
    ['periodMs NaN', { periodMs: NaN }, /got NaN/],
    ['a periodMs beyond what timers can wait', { periodMs: 3e9 }, /up to 2147483647/],
    ['an unknown built-in', { periodMs: 1000, measurements: ['disk' as PollerMeasurement] }, /unknown measurement "disk" at measurements\[0\]; built-ins are memory, cpu, event_loop, event_loop_lag, gc, heap_spaces, active, process, gpu/],
    ['a custom measurement without an event', { periodMs: 1000, measurements: [{ measure: () => ({}) } as unknown as PollerMeasurement] }, /measurements\[0\] must be a built-in name, a function, or/],
    ['measurements that is not an array', { periodMs: 1000, measurements: 'memory' as unknown as PollerMeasurement[] }, /measurements must be an array/],
    ['a fractional eventLoopResolutionMs', { periodMs: 1000, eventLoopResolutionMs: 0.5 }, /eventLoopResolutionMs must be an integer >= 1/],
    ['an empty nvidiaSmi.command', { periodMs: 1000, nvidiaSmi: { command: '' } }, /nvidiaSmi.command must be a non-empty string/],
    ['a negative nvidiaSmi.timeoutMs', { periodMs: 1000, nvidiaSmi: { timeoutMs: -1 } }, /nvidiaSmi.timeoutMs must be an integer from 1 to 2147483647, got -1/],
  ];
  for (const [what, options, message] of bad) {
    it(`throws a TypeError for ${what}`, () => {
      expect(() => startPoller(new Telemetry(), options)).to.throw(TypeError, message);
    });
  }

  it('throws a TypeError for something that is not a Telemetry', () => {
    expect(() => startPoller({} as Telemetry, { periodMs: 1000 })).to.throw(TypeError, /telemetry must be a Telemetry instance/);
  });

  it('releases the sources built before a bad custom measurement (no GC observer or histogram left running)', () => {
    const observe = PerformanceObserver.prototype.observe;
    const disconnect = PerformanceObserver.prototype.disconnect;
    let observing = 0;
    PerformanceObserver.prototype.observe = function (this: PerformanceObserver, ...args: Parameters<PerformanceObserver['observe']>) {
      observing++;
      return observe.apply(this, args);
    };
    PerformanceObserver.prototype.disconnect = function (this: PerformanceObserver) {
      observing--;
      return disconnect.call(this);
    };
    try {
      expect(() => startPoller(new Telemetry(), { periodMs: 1000, measurements: ['gc', { event: [] } as unknown as PollerMeasurement] })).to.throw(TypeError, /measurements\[1\]/);
    } finally {
      PerformanceObserver.prototype.observe = observe;
      PerformanceObserver.prototype.disconnect = disconnect;
    }
    expect(observing).to.equal(0);
  });

  it('polls the default built-ins (DEFAULT_MEASUREMENTS) by default', () => {
    const poller = startPoller(new Telemetry(), { periodMs: 1000 });
    const names = poller.measurements();
    poller.stop();
    expect(names).to.deep.equal(['memory', 'cpu', 'event_loop', 'gc', 'gpu']);
  });
});
