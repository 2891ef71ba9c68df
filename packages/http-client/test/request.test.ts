import { expect } from 'chai';
import { freePort } from '@rx-telemetry/devkit/peer-process';
import { httpTarget, HttpRequestError, request, type RequestOptions } from '../src/index.js';
import { hang, startPeer, status, type Answer, type Peer } from './peer.js';

let peer: Peer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function send(answer: Answer, options: Partial<RequestOptions> = {}, url?: (base: string) => string) {
  peer = await startPeer(answer);
  const target = httpTarget(url ? url(peer.url) : peer.url, 'test');
  return request(target, { method: 'POST', body: '{"a":1}', timeoutMs: 2000, ...options });
}

async function failure(promise: Promise<unknown>): Promise<HttpRequestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(HttpRequestError);
    return error as HttpRequestError;
  }
  throw new Error('expected the request to fail');
}

describe('request (real node:http server on 127.0.0.1)', () => {
  it('sends method, headers and body, and resolves a 2xx with its status and body', async () => {
    const res = await send(status(201, 'made'), { headers: { 'content-type': 'application/json', 'x-team': 'sre' } });
    expect(res).to.deep.equal({ status: 201, body: 'made', truncated: false, attempts: 1 });
    const seen = (peer as Peer).seen[0];
    expect([seen.method, seen.url, seen.body, seen.headers['x-team'], seen.headers['content-type']]).to.deep.equal(['POST', '/hook', '{"a":1}', 'sre', 'application/json']);
  });

  it('sends URL credentials as Basic auth and keeps them out of the error', async () => {
    const error = await failure(send(status(500, 'nope'), {}, (base) => base.replace('http://', 'http://bot:hunter2@')));
    expect((peer as Peer).seen[0].headers.authorization).to.equal(`Basic ${Buffer.from('bot:hunter2').toString('base64')}`);
    expect(error.message).to.match(/^POST http:\/\/\*\*\*@127\.0\.0\.1:\d+\/… failed after 1 attempt: HTTP 500: nope$/);
    expect(JSON.stringify([error.message, error.reason, error.body])).to.not.include('hunter2');
  });

  it('an Authorization header given explicitly wins over URL credentials', async () => {
    await send(status(200), { headers: { Authorization: 'Bearer t' } }, (base) => base.replace('http://', 'http://u:p@'));
    expect((peer as Peer).seen[0].headers.authorization).to.equal('Bearer t');
  });

  it('retries a 5xx with doubling backoff and resolves on a later attempt', async () => {
    const res = await send((n, r) => status(n < 2 ? 503 : 200)(n, r), { retries: 3, backoffMs: 20 });
    expect(res.attempts).to.equal(3);
    const at = (peer as Peer).seen.map((s) => s.at);
    expect(at[1] - at[0]).to.be.at.least(18);
    expect(at[2] - at[1]).to.be.at.least(38);
  });

  it('retries a 429', async () => {
    const res = await send((n, r) => status(n === 0 ? 429 : 204)(n, r), { retries: 1 });
    expect(res).to.include({ status: 204, attempts: 2 });
  });

  it('does not retry a 4xx other than 429, and reports status, reason and attempts', async () => {
    const error = await failure(send(status(400, 'bad input\n'), { retries: 3 }));
    expect((peer as Peer).seen).to.have.length(1);
    expect(error).to.include({ attempts: 1, status: 400, reason: 'HTTP 400: bad input', body: 'bad input\n', code: 'ERR_HTTP_REQUEST' });
  });

  it('gives up after retries + 1 attempts', async () => {
    const error = await failure(send(status(500), { retries: 2 }));
    expect((peer as Peer).seen).to.have.length(3);
    expect(error.message).to.match(/failed after 3 attempts: HTTP 500$/);
  });

  it('times out each attempt of a peer that never answers', async () => {
    const started = Date.now();
    const error = await failure(send(hang, { timeoutMs: 80, retries: 1 }));
    expect((peer as Peer).seen).to.have.length(2);
    expect(Date.now() - started).to.be.below(2000);
    expect(error.reason).to.equal('timed out after 80 ms');
    expect(error.status).to.equal(undefined);
  });

  it('reports connection refused with its code', async () => {
    const port = await freePort();
    const error = await failure(request(httpTarget(`http://127.0.0.1:${port}/x`, 'test'), { method: 'PUT', timeoutMs: 1000, retries: 1 }));
    expect(error.attempts).to.equal(2);
    expect(error.reason).to.equal('fetch failed (ECONNREFUSED)');
  });

  it('an aborted signal stops the attempt in flight and the retries still to come', async () => {
    const controller = new AbortController();
    const pending = send(hang, { timeoutMs: 60_000, retries: 5, backoffMs: 10, signal: controller.signal });
    while ((peer?.seen.length ?? 0) === 0) await new Promise((r) => setImmediate(r));
    controller.abort(new Error('shutting down'));
    const error = await failure(pending);
    expect(error.attempts).to.equal(1);
    expect(error.reason).to.equal('aborted (shutting down)');
  });

  it('rejects bad options with a TypeError before sending anything', async () => {
    const target = httpTarget('http://127.0.0.1:1/x', 'test');
    const bad = async (options: Partial<RequestOptions>) => request(target, { method: 'POST', timeoutMs: 10, ...options } as RequestOptions).then(() => undefined, (e: unknown) => e);
    expect(await bad({ timeoutMs: 0 })).to.be.instanceOf(TypeError).with.property('message').that.matches(/timeoutMs must be a finite number > 0/);
    expect(await bad({ retries: 1.5 })).to.be.instanceOf(TypeError).with.property('message').that.matches(/retries must be an integer >= 0/);
    expect(await bad({ method: 'post' })).to.be.instanceOf(TypeError).with.property('message').that.matches(/method/);
    expect(await bad({ headers: { 'x-a': 'v\nb' } })).to.be.instanceOf(TypeError).with.property('message').that.matches(/CR, LF or NUL/);
  });
});
