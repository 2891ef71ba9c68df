import type { Measurements } from '@rx-telemetry/core';

/** The fields asked of nvidia-smi, in the order its CSV answers. */
export const NVIDIA_SMI_FIELDS = Object.freeze([
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
]);

export const NVIDIA_SMI_ARGS: readonly string[] = Object.freeze([`--query-gpu=${NVIDIA_SMI_FIELDS.join(',')}`, '--format=csv,noheader,nounits']);

export interface NvidiaGpuReading {
  readonly metadata: { readonly index: number; readonly uuid: string; readonly name: string };
  /** utilization 0..1, memoryUsed/memoryTotal bytes, temperature °C, power W; unsupported ones absent. */
  readonly measurements: Measurements;
}

const MIB = 1024 * 1024;

/**
 * Parses `nvidia-smi --query-gpu=<NVIDIA_SMI_FIELDS> --format=csv,noheader,nounits`: one line per
 * GPU. Values nvidia-smi cannot read (`[N/A]`, `[Not Supported]`) are left out of the reading.
 *
 * ```ts
 * parseNvidiaSmi('0, GPU-5d1c, NVIDIA H100 80GB HBM3, 37, 1024, 81559, 41, 120.5\n');
 * // [{ metadata: { index: 0, uuid: 'GPU-5d1c', name: 'NVIDIA H100 80GB HBM3' },
 * //    measurements: { utilization: 0.37, memoryUsed: 1073741824, memoryTotal: 85521596416, temperature: 41, power: 120.5 } }]
 * ```
 */
export function parseNvidiaSmi(csv: string): NvidiaGpuReading[] {
  const readings: NvidiaGpuReading[] = [];
  for (const raw of csv.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length === 0) continue;
    const fields = line.split(',').map((f) => f.trim());
    if (fields.length < NVIDIA_SMI_FIELDS.length) {
      throw new Error(`nvidia-smi: expected ${NVIDIA_SMI_FIELDS.length} comma-separated fields (${NVIDIA_SMI_FIELDS.join(',')}), got: ${line}`);
    }
    // A name with commas in it spreads over several fields: the last five are always numbers.
    const tail = fields.slice(-5);
    const index = Number(fields[0]);
    if (!Number.isInteger(index)) throw new Error(`nvidia-smi: GPU index is not an integer in: ${line}`);
    const [utilization, memoryUsed, memoryTotal, temperature, power] = tail.map(numberOrUndefined);
    const measurements: Record<string, number> = {};
    if (utilization !== undefined) measurements.utilization = utilization / 100;
    if (memoryUsed !== undefined) measurements.memoryUsed = memoryUsed * MIB;
    if (memoryTotal !== undefined) measurements.memoryTotal = memoryTotal * MIB;
    if (temperature !== undefined) measurements.temperature = temperature;
    if (power !== undefined) measurements.power = power;
    readings.push({ metadata: { index, uuid: fields[1], name: fields.slice(2, -5).join(', ') }, measurements });
  }
  return readings;
}

function numberOrUndefined(field: string): number | undefined {
  if (field.length === 0 || field.startsWith('[')) return undefined;
  const n = Number(field);
  return Number.isFinite(n) ? n : undefined;
}
