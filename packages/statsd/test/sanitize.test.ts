import { counter, Telemetry } from '@rx-telemetry/core';
import { expect } from 'chai';
import fc from 'fast-check';
import { sanitizeName, sanitizeSegment, sanitizeTagValue, StatsdReporter, type Formatter } from '../src/index.js';
import { captureUdp } from './udp-capture.js';

const UNSAFE = /[:|@#,=\s]/;

describe('sanitising', () => {
  it('leaves no protocol character in names, tag values or segments, and changes nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        for (const f of [sanitizeName, sanitizeTagValue, sanitizeSegment]) {
          const out = f(s);
          expect(out).to.not.match(UNSAFE);
          expect(f(out)).to.equal(out);
          if (s.length !== 0) expect(out.length).to.equal(s.length);
        }
        expect(sanitizeSegment(s)).to.not.include('.');
        if (s.length !== 0 && !UNSAFE.test(s)) expect(sanitizeName(s)).to.equal(s);
      }),
      { numRuns: 2000 },
    );
  });

  for (const formatter of ['standard', 'datadog', 'telegraf'] as Formatter[]) {
    it(`keeps every ${formatter} line one well-formed metric whatever the tag values and names`, async () => {
      const capture = await captureUdp();
      const bus = new Telemetry();
      let sent = 0;
      try {
        await fc.assert(
          fc.asyncProperty(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'binary' }), async (segment, tagValue) => {
            const name = `fuzz.${segment.replace(/\./g, 'x')}`;
            const reporter = new StatsdReporter(bus, {
              metrics: [counter(`${name}.count`, { eventName: ['fuzz', 'event'], tags: ['tag'] })],
              port: capture.port,
              formatter,
              maxBufferSize: 0,
            });
            bus.emit(['fuzz', 'event'], {}, { tag: tagValue });
            await reporter.stop();
            sent++;
            const lines = await capture.waitForLines(sent);
            expect(lines).to.have.length(sent);
            const line = lines[sent - 1];
            // name[,tags]:value|type[|#tags]: exactly one ':' and the counter fields in place.
            expect(line.split(':')).to.have.length(formatter === 'datadog' ? 3 : 2);
            const pattern = {
              standard: /^[^:|@#,=\s]+:1\|c$/,
              datadog: /^[^:|@#,=\s]+:1\|c\|#tag:[^:|@#,=\s]+$/,
              telegraf: /^[^:|@#,=\s]+,tag=[^:|@#,=\s]+:1\|c$/,
            }[formatter];
            expect(line).to.match(pattern);
          }),
          { numRuns: 60 },
        );
      } finally {
        await capture.close();
      }
    });
  }
});
