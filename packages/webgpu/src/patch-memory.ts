import { MAP_MODE_READ, BufferUsage } from './buffer-usage.js';
import type { DeviceProbe } from './device-probe.js';

/** createBuffer counts bytes; each buffer's destroy() uncounts them; MAP_READ reads are transfers. */
export function patchMemory(device: GPUDevice, probe: DeviceProbe): void {
  const { raw, memory, events, deviceId } = probe;
  device.createBuffer = function (descriptor: GPUBufferDescriptor): GPUBuffer {
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
        const token = events.transfer.begin({ device: deviceId, direction: 'device_to_host', label: buffer.label });
        return mapAsync.apply(buffer, args).then(
          () => {
            events.transfer.end(token, { bytes });
            return undefined;
          },
          (error: unknown) => {
            events.transfer.fail(token, error, undefined, { bytes });
            throw error;
          },
        );
      };
    }
    return buffer;
  };
}
