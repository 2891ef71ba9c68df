import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { startOtlpReceiver } from '@rx-telemetry/devkit/otlp-receiver';

/** devkit's OTLP/HTTP trace receiver, with each span's attributes flattened to `{ key: value }`. */
export async function otlpReceiver(): Promise<{ url: string; spans: () => { name: string; attributes: Record<string, unknown> }[]; close(): Promise<void> }> {
  const receiver = await startOtlpReceiver();
  return {
    url: receiver.url,
    spans: () => receiver.spans.map((sp) => ({ name: sp.name, attributes: Object.fromEntries((sp.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]])) })),
    close: () => receiver.close(),
  };
}

/** A UDP socket standing in for a StatsD server: the lines it got. */
export async function statsdReceiver(): Promise<{ address: string; lines: string[]; close(): void }> {
  const socket: Socket = createSocket('udp4');
  const lines: string[] = [];
  socket.on('message', (m) => lines.push(...m.toString().split('\n').filter(Boolean)));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { address: `127.0.0.1:${(socket.address() as AddressInfo).port}`, lines, close: () => socket.close() };
}
