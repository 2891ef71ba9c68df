import { MAP_MODE_READ, BufferUsage } from './buffer-usage.js';
import type { DeviceProbe } from './device-probe.js';
import type { Overrides } from './overrides.js';

/** createBuffer counts bytes; each buffer's destroy() uncounts them; MAP_READ reads are transfers. */
export function patchMemory(device: GPUDevice, probe: DeviceProbe, overrides: Overrides): void {
  const { raw, memory, events, deviceId } = probe;
  overrides.set(device, 'createBuffer', function (descriptor: GPUBufferDescriptor): GPUBuffer {
    const buffer = raw.createBuffer.call(device, descriptor);
    const allocation = memory.track(buffer);
    const destroy = buffer.destroy;
    buffer.destroy = function (): undefined {
      memory.release(allocation, 'destroy');
      return destroy.call(buffer);
    };
    if ((buffer.usage & BufferUsage.MAP_READ) !== 0) {
      const mapAsync = buffer.mapAsync;
      buffer.mapAsync = function (mode: number, offset?: number, size?: number): Promise<undefined> {
        const args = arguments as unknown as [number, number?, number?];
        if ((mode & MAP_MODE_READ) === 0 || !events.transfer.active) return mapAsync.apply(buffer, args);
        const bytes = size ?? buffer.size - (offset ?? 0);
        const transfer = events.transfer;
        const span = transfer.start({ device: deviceId, direction: 'device_to_host', label: buffer.label });
        let mapped: Promise<undefined>;
        try {
          mapped = mapAsync.apply(buffer, args);
        } catch (error) {
          span.measure({ bytes });
          span.exception(error);
          throw error;
        }
        probe.hold();
        return mapped.then(
          () => {
            span.stop({ bytes });
            probe.release();
            return undefined;
          },
          (error: unknown) => {
            span.measure({ bytes });
            span.exception(error);
            probe.release();
            throw error;
          },
        );
      };
    }
    return buffer;
  });
}
