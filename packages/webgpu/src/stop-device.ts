import type { DeviceProbe } from './device-probe.js';

/**
 * An instrumented device's stop: work already submitted completes and its spans end; then a
 * device created for the caller is destroyed (buffers reported freed, then the lost event), and
 * a caller's own device is given back (`uninstrument`); then the device's events fall silent.
 */
export async function stopDevice(probe: DeviceProbe, owned: boolean, uninstrument: () => void): Promise<void> {
  await probe.settle();
  const device = probe.device;
  if (owned) {
    device.destroy();
    // The lost event's reaction was registered at instrumenting, before this one: it has run.
    await device.lost;
  } else {
    uninstrument();
    // Encoded but unsubmitted work may still use timestamp slots: leave them to the GC then.
    if (probe.pending === 0) probe.pool.destroy();
  }
  probe.events.close();
}
