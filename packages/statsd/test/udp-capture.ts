import { createSocket, type Socket } from 'node:dgram';

/** A UDP socket on 127.0.0.1 that records every datagram; optionally forwards each one on. */
export interface UdpCapture {
  readonly port: number;
  readonly datagrams: Buffer[];
  /** Every line of every datagram, in arrival order. */
  lines(): string[];
  /** Polls until `count` lines arrived (bounded); returns the lines. */
  waitForLines(count: number, timeoutMs?: number): Promise<string[]>;
  close(): Promise<void>;
}

export async function captureUdp(forwardTo?: number): Promise<UdpCapture> {
  const socket: Socket = createSocket('udp4');
  const datagrams: Buffer[] = [];
  socket.on('message', (msg) => {
    datagrams.push(msg);
    if (forwardTo !== undefined) socket.send(msg, forwardTo, '127.0.0.1');
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const lines = (): string[] => datagrams.flatMap((d) => d.toString('utf8').split('\n').filter((l) => l.length !== 0));
  return {
    port: socket.address().port,
    datagrams,
    lines,
    async waitForLines(count, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      while (lines().length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      return lines();
    },
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
