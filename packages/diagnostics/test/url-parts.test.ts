import { expect } from 'chai';
import { correlationIdFrom, pathOf, splitHost, splitOrigin } from '../src/url-parts.js';

describe('request targets, hosts and header values', () => {
  it('pathOf drops the query and the fragment, and keeps only the path of an absolute-form target', () => {
    expect([pathOf('/a/b?x=1'), pathOf('/a#top'), pathOf('/'), pathOf('http://proxy.example:8080/p/q?z'), pathOf('http://h'), pathOf(undefined)]).to.deep.equal([
      '/a/b',
      '/a',
      '/',
      '/p/q',
      '/',
      undefined,
    ]);
  });

  it('splitHost reads IPv4, names and bracketed IPv6 with a port, and the scheme’s default port without one', () => {
    expect([splitHost('127.0.0.1:8080', 'http'), splitHost('[::1]:9', 'http'), splitHost('example.com', 'https'), splitHost('[::1]', 'http')]).to.deep.equal([
      { serverAddress: '127.0.0.1', serverPort: 8080 },
      { serverAddress: '::1', serverPort: 9 },
      { serverAddress: 'example.com', serverPort: 443 },
      { serverAddress: '::1', serverPort: 80 },
    ]);
  });

  it('splitOrigin reads scheme, address and port from an origin string or URL', () => {
    expect([splitOrigin('https://api.example.com'), splitOrigin(new URL('http://10.0.0.1:81/x')), splitOrigin(42)]).to.deep.equal([
      { scheme: 'https', serverAddress: 'api.example.com', serverPort: 443 },
      { scheme: 'http', serverAddress: '10.0.0.1', serverPort: 81 },
      { scheme: undefined, serverAddress: undefined, serverPort: undefined },
    ]);
  });

  it('correlationIdFrom takes 1 to 128 visible ASCII characters, the first of a repeated header, nothing else', () => {
    expect([correlationIdFrom('req-1'), correlationIdFrom(['a', 'b']), correlationIdFrom(''), correlationIdFrom('has space'), correlationIdFrom('x'.repeat(129)), correlationIdFrom(undefined)]).to.deep.equal([
      'req-1',
      'a',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
