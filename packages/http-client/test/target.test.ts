import { expect } from 'chai';
import { checkHeaders, checkUrl, displayUrl, httpTarget, redact } from '../src/index.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).to.be.instanceOf(TypeError);
    return (error as Error).message;
  }
  throw new Error('expected a TypeError');
}

describe('httpTarget', () => {
  it('moves percent-decoded URL credentials into a Basic Authorization header and out of the URL', () => {
    const t = httpTarget('http://us%40er:p%3Ass@127.0.0.1:9091/metrics/job/j', 'push');
    expect(t.url).to.equal('http://127.0.0.1:9091/metrics/job/j');
    expect(t.authorization).to.equal(`Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
  });

  it('shows scheme, host and port only by default, credentials masked and the path as /…', () => {
    expect(httpTarget('https://bot:pw@hooks.example.com/T0/B0/Secret?sig=x', 'hook').shown).to.equal('https://***@hooks.example.com/…');
    expect(httpTarget('https://hooks.example.com', 'hook').shown).to.equal('https://hooks.example.com');
  });

  it('with showPath shows the whole URL without its credentials', () => {
    const t = httpTarget('http://u:secret@127.0.0.1:9091/metrics/job/x', 'push', { showPath: true });
    expect(t.shown).to.equal('http://127.0.0.1:9091/metrics/job/x');
    expect(t.authorization).to.be.a('string');
  });

  it('has no authorization without credentials', () => {
    expect(httpTarget('http://127.0.0.1:1/x', 'w').authorization).to.equal(undefined);
  });
});

describe('checkUrl', () => {
  it('rejects a scheme other than http(s), naming the caller and masking credentials', () => {
    expect(message(() => checkUrl('ftp://u:hunter2@x', 'push'))).to.equal('push: url must be an http(s) URL, got ftp://***@x');
  });

  it('rejects a URL that does not parse without echoing its password', () => {
    const m = message(() => checkUrl('http://bot:hunter2@exa mple.com/x', 'webhookHandler'));
    expect(m).to.match(/^webhookHandler: invalid url /);
    expect(m).to.not.include('hunter2');
  });

  it('rejects something that is not a string', () => {
    expect(message(() => checkUrl(undefined, 'w'))).to.equal('w: url must be a string, got undefined');
  });

  it('returns the parsed URL', () => {
    expect(checkUrl('https://a.example:8443/p', 'w').port).to.equal('8443');
  });
});

describe('checkHeaders', () => {
  it('accepts undefined and an object of valid string headers', () => {
    expect(checkHeaders(undefined, 'h')).to.equal(undefined);
    expect(checkHeaders({ 'x-team': 'sre' }, 'h')).to.deep.equal({ 'x-team': 'sre' });
  });

  it('rejects non-string values, invalid names, CR/LF/NUL and arrays', () => {
    expect(message(() => checkHeaders({ 'x-n': 1 }, 'h'))).to.equal('h.x-n must be a string');
    expect(message(() => checkHeaders({ 'bad header': 'v' }, 'h'))).to.match(/"bad header" is not a valid header name/);
    expect(message(() => checkHeaders({ 'x-a': 'v\r\nInjected: 1' }, 'h'))).to.match(/must not contain CR, LF or NUL/);
    expect(message(() => checkHeaders([], 'h'))).to.equal('h must be an object of strings');
  });
});

describe('redact and displayUrl', () => {
  it('redact masks user:pass@ in every URL of a text', () => {
    expect(redact('POST https://bot:s3cret@a.example/x then http://u@b.example failed')).to.equal('POST https://***@a.example/x then http://***@b.example failed');
  });

  it('displayUrl keeps scheme, host and port and says when it left a path out', () => {
    expect(displayUrl('https://bot:pw@hooks.slack.com/services/T0/B0/XyZ')).to.equal('https://***@hooks.slack.com/…');
    expect(displayUrl('http://127.0.0.1:9093/')).to.equal('http://127.0.0.1:9093');
    expect(displayUrl('not a url')).to.equal('<invalid url>');
  });
});
