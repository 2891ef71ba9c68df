import { expect } from 'chai';
import { BODY_PREFIX_BYTES, httpTarget, HttpRequestError, readBodyPrefix, request } from '../src/index.js';
import { startPeer, streamBody, type Peer } from './peer.js';

let peer: Peer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

// Anything near this means the whole body was being read: the prefix plus socket and stream
// buffers on both sides stay far below it.
const BOUND = 16 * 1024 * 1024;

function streamOf(...chunks: string[]): { stream: ReadableStream<Uint8Array>; cancelled: () => boolean } {
  let cancelled = false;
  const queue = chunks.map((c) => new TextEncoder().encode(c));
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = queue.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(next);
    },
    cancel() {
      cancelled = true;
    },
  });
  return { stream, cancelled: () => cancelled };
}

describe('readBodyPrefix', () => {
  it('reads a body that ends within the limit to its end, without cancelling it', async () => {
    const { stream, cancelled } = streamOf('ab', 'cd');
    expect(await readBodyPrefix(stream, 4)).to.deep.equal({ text: 'abcd', truncated: false });
    expect(cancelled()).to.equal(false);
  });

  it('stops at the limit across chunks and cancels the rest', async () => {
    const { stream, cancelled } = streamOf('abc', 'def', 'ghi');
    expect(await readBodyPrefix(stream, 5)).to.deep.equal({ text: 'abcde', truncated: true });
    await new Promise((r) => setImmediate(r));
    expect(cancelled()).to.equal(true);
  });

  it('a null body is empty', async () => {
    expect(await readBodyPrefix(null)).to.deep.equal({ text: '', truncated: false });
  });

  it('defaults to BODY_PREFIX_BYTES, 4 KiB', async () => {
    expect(BODY_PREFIX_BYTES).to.equal(4096);
    const { stream } = streamOf('x'.repeat(10_000));
    const { text, truncated } = await readBodyPrefix(stream);
    expect([text.length, truncated]).to.deep.equal([4096, true]);
  });
});

describe('error bodies are read as a bounded prefix (issue 14 item 6)', () => {
  it('an endless 500 body: the request fails at once with a 4 KiB prefix and the connection is closed', async () => {
    const endless = streamBody(500, Number.POSITIVE_INFINITY);
    peer = await startPeer(endless.answer);
    const started = Date.now();
    let error: HttpRequestError | undefined;
    try {
      // A long timeout: reading the whole body would hang here for 30 s (and grow without bound).
      await request(httpTarget(peer.url, 'test'), { method: 'POST', body: '{}', timeoutMs: 30_000 });
    } catch (e) {
      error = e as HttpRequestError;
    }
    const sent = await endless.closed;
    expect(Date.now() - started).to.be.below(5000);
    expect(error).to.be.instanceOf(HttpRequestError);
    expect(error?.status).to.equal(500);
    expect(error?.body.length).to.equal(BODY_PREFIX_BYTES);
    expect(error?.message.length).to.be.below(400);
    expect(sent, 'bytes the server could write before the client hung up').to.be.below(BOUND);
  });

  it('a 200 MB 500 body (with Content-Length) is cut after the prefix, not downloaded', async () => {
    const huge = streamBody(503, 200 * 1024 * 1024);
    peer = await startPeer(huge.answer);
    const heapBefore = process.memoryUsage().heapUsed;
    let error: HttpRequestError | undefined;
    try {
      await request(httpTarget(peer.url, 'test'), { method: 'PUT', body: 'x', timeoutMs: 30_000, retries: 1 });
    } catch (e) {
      error = e as HttpRequestError;
    }
    expect(error?.attempts).to.equal(2);
    expect(error?.reason).to.match(/^HTTP 503: e{200}$/);
    const sent = await huge.closed;
    expect(sent).to.be.below(BOUND);
    expect(process.memoryUsage().heapUsed - heapBefore).to.be.below(BOUND);
  });

  it('an endless 200 body is cut too: a success needs no more than its prefix', async () => {
    const endless = streamBody(200, Number.POSITIVE_INFINITY);
    peer = await startPeer(endless.answer);
    const res = await request(httpTarget(peer.url, 'test'), { method: 'POST', timeoutMs: 30_000 });
    expect(res).to.include({ status: 200, truncated: true });
    expect(res.body.length).to.equal(BODY_PREFIX_BYTES);
    expect(await endless.closed).to.be.below(BOUND);
  });
});
