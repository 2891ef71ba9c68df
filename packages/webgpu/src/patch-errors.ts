import type { DeviceProbe } from './device-probe.js';
import type { Overrides } from './overrides.js';

/**
 * Device errors from error scopes and uncaptured errors. A listener is added beside the
 * user's `onuncapturederror`, never in its place, and never calls preventDefault().
 * Returns a function that removes the listener.
 */
export function patchErrors(device: GPUDevice, probe: DeviceProbe, overrides: Overrides): () => void {
  const { raw, events, deviceId } = probe;
  const report = (error: GPUError): void => {
    if (events.error.active) events.error.emit({ count: 1 }, { device: deviceId, type: errorType(error), message: error.message });
  };
  const listener = (event: Event): void => report((event as GPUUncapturedErrorEvent).error);
  device.addEventListener('uncapturederror', listener);
  overrides.set(device, 'popErrorScope', function (): Promise<GPUError | null> {
    return raw.popErrorScope.call(device).then((error) => {
      if (error !== null) report(error);
      return error;
    });
  });
  return () => device.removeEventListener('uncapturederror', listener);
}

export type DeviceErrorType = 'validation' | 'out-of-memory' | 'internal';

function errorType(error: GPUError): DeviceErrorType {
  switch (error.constructor.name) {
    case 'GPUOutOfMemoryError':
      return 'out-of-memory';
    case 'GPUInternalError':
      return 'internal';
    default:
      return 'validation';
  }
}
