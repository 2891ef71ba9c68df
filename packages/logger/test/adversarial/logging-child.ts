// A child process for the adversarial logger tests: logs `n` events to `destination` with `writer`,
// then either stops the logger ('stop') or calls process.exit() right after the last emit ('exit').
// Prints one JSON line: the logger's stats and the write failures it reported.
// argv: writer destination n stop|exit
import { Telemetry } from '@rx-telemetry/core';
import { attachLogger, LOGGER_WRITE_FAILED_EVENT, type WriterKind } from '../../src/index.js';

const [writer, destination, count, mode] = process.argv.slice(2);
const n = Number(count);
const bus = new Telemetry();
const failures: string[] = [];
bus.attach('failures', LOGGER_WRITE_FAILED_EVENT, (_e, _m, md) => void failures.push(String(md.code)));
const log = attachLogger(bus, { destination, writer: writer as WriterKind, events: [['app']], bufferSize: 64 * 1024 * 1024 });
const report = (): void => void process.stdout.write(`${JSON.stringify({ ...log.stats(), failures })}\n`);

const handle = bus.event(['app', 'order']);
const note = 'n'.repeat(60);
if (mode === 'exit') {
  process.on('exit', report);
  for (let i = 0; i < n; i++) handle.emit({ seq: i }, { note });
  process.exit(0);
} else {
  for (let i = 0; i < n; i += 500) {
    for (let j = i; j < Math.min(n, i + 500); j++) handle.emit({ seq: j }, { note });
    await new Promise((r) => setImmediate(r));
  }
  await log.stop();
  report();
}
