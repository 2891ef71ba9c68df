/** Who runs the kernels: `fallback` is true for CPU implementations such as lavapipe. */
export interface DeviceInfo {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly fallback: boolean;
}

export function deviceInfo(info: GPUAdapterInfo | undefined, fallback?: boolean): DeviceInfo {
  const loose = info as (GPUAdapterInfo & { isFallbackAdapter?: boolean }) | undefined;
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
    fallback: fallback ?? loose?.isFallbackAdapter ?? false,
  };
}
