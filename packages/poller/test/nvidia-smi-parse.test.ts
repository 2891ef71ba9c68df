import { expect } from 'chai';
import { parseNvidiaSmi } from '../src/index.js';
import { TWO_GPUS } from './fake-nvidia-smi.js';

const MIB = 1024 * 1024;

describe('parseNvidiaSmi', () => {
  it('reads one GPU per line with index, uuid and name as metadata', () => {
    expect(parseNvidiaSmi(TWO_GPUS).map((g) => g.metadata)).to.deep.equal([
      { index: 0, uuid: 'GPU-6b3f8c2e-1d4a-4f5b-9c7e-2a1b3c4d5e6f', name: 'NVIDIA H100 80GB HBM3' },
      { index: 1, uuid: 'GPU-0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d', name: 'NVIDIA H100 80GB HBM3' },
    ]);
  });

  it('converts utilization to 0..1 and memory from MiB to bytes', () => {
    expect(parseNvidiaSmi(TWO_GPUS)[0].measurements).to.deep.equal({
      utilization: 0.37,
      memoryUsed: 1024 * MIB,
      memoryTotal: 81559 * MIB,
      temperature: 41,
      power: 120.52,
    });
  });

  it('leaves out values nvidia-smi cannot read', () => {
    const line = '0, GPU-x, Tesla K80, [Not Supported], 10, 11441, [N/A], [N/A]\n';
    expect(parseNvidiaSmi(line)[0].measurements).to.deep.equal({ memoryUsed: 10 * MIB, memoryTotal: 11441 * MIB });
  });

  it('keeps a name that contains commas', () => {
    expect(parseNvidiaSmi('2, GPU-y, Quadro, Special, Edition, 5, 1, 2, 30, 40\n')[0].metadata.name).to.equal('Quadro, Special, Edition');
  });

  it('ignores blank lines and CRLF line ends', () => {
    expect(parseNvidiaSmi('\r\n0, GPU-a, A, 1, 2, 3, 4, 5\r\n\r\n')).to.have.length(1);
  });

  it('returns nothing for empty output', () => {
    expect(parseNvidiaSmi('')).to.deep.equal([]);
  });

  it('throws naming the line when fields are missing', () => {
    expect(() => parseNvidiaSmi('0, GPU-a, A, 1\n')).to.throw(/expected 8 comma-separated fields.*got: 0, GPU-a, A, 1/);
  });

  it('throws when the index is not a number', () => {
    expect(() => parseNvidiaSmi('No devices were found, a, b, 1, 2, 3, 4, 5\n')).to.throw(/GPU index is not an integer/);
  });
});
