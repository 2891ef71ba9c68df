import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '@rx-telemetry/devkit/peer-process';
import { Telemetry } from '@rx-telemetry/core';
import type { WriterKind } from '../src/index.js';

export interface LogFile {
  readonly path: string;
  /** Every line of the file, parsed. */
  read(): Promise<Record<string, unknown>[]>;
  remove(): Promise<void>;
}

export async function logFile(): Promise<LogFile> {
  const dir = await tempDir('logger');
  const path = join(dir.path, 'telemetry.jsonl');
  return {
    path,
    async read() {
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        return [];
      }
      if (text.length === 0) return [];
      expect(text.endsWith('\n')).to.equal(true);
      return text
        .slice(0, -1)
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    remove: () => dir.remove(),
  };
}

import { expect } from 'chai';

/** Both writers; tests about writing run once per writer. */
export const WRITERS: readonly WriterKind[] = ['pino', 'batch'];

/**
 * Gives each test of the enclosing describe a fresh bus and log file (through `use`), and shuts
 * the bus down and removes the file after it.
 */
export function freshBusAndFile(use: (bus: Telemetry, file: LogFile) => void): void {
  let bus: Telemetry;
  let file: LogFile;
  beforeEach(async () => {
    file = await logFile();
    bus = new Telemetry();
    use(bus, file);
  });
  afterEach(async () => {
    await bus.shutdown();
    await file.remove();
  });
}
