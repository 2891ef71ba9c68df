import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { emittedEvents, type EmittedEvent } from '../src/emitted-events.js';
import { compareEventsWithDoc, documentedEvents, expandEventName, type EventsDocReport } from '../src/events-doc.js';
import { root } from '../src/repo-root.js';
import { publicPackages } from '../src/workspace-packages.js';

// Issue 9 §8: every event a package emits is in docs/events.md with its measurements and
// metadata, and every event listed there is emitted by some package (rules: src/emitted-events.ts).

describe('docs/events.md against the sources', function () {
  this.timeout(60_000);
  let report: EventsDocReport;
  let emitted: EmittedEvent[];

  before(() => {
    const packages = publicPackages();
    emitted = emittedEvents(join(root, 'packages'), packages.map((p) => p.dir), root);
    const documented = documentedEvents(readFileSync(join(root, 'docs', 'events.md'), 'utf8'));
    report = compareEventsWithDoc(emitted, documented, new Map(packages.map((p) => [p.dir, p.name])));
  });

  it('finds the events of the packages that emit some (the scan is not blind)', () => {
    const owners = new Set(emitted.flatMap((e) => e.packages));
    expect(['core', 'hdr', 'logger', 'poller', 'prometheus', 'statsd'].filter((p) => !owners.has(p))).to.deep.equal([]);
  });

  it('every emitted event has a heading in docs/events.md', () => {
    expect(report.undocumented).to.deep.equal([]);
  });

  it("every emitted event is listed under its emitting package's section", () => {
    expect(report.misplaced).to.deep.equal([]);
  });

  it('every measurement and metadata key written at an emit is mentioned in its event’s entry', () => {
    expect(report.missingKeys).to.deep.equal([]);
  });

  it('every event listed in docs/events.md is emitted by some package', () => {
    expect(report.notEmitted).to.deep.equal([]);
  });
});

describe('events doc checks (controls)', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'rx-events-'));
    const files: Record<string, string> = {
      'a/src/index.ts': "export { A_FAILED_EVENT } from './events.js';\nexport { Widget } from './widget.js';\n",
      'a/src/events.ts': "export const A_FAILED_EVENT = Object.freeze(['telemetry', 'a', 'failed']);\nexport const A_TICK = ['a', 'tick'] as const;\n",
      'a/src/widget.ts': [
        "import { A_TICK } from './events.js';",
        'declare const bus: any;',
        'export class Widget {',
        '  readonly tick: any;',
        '  constructor() { this.tick = bus.event(A_TICK); }',
        '  run(n: number): void {',
        '    this.tick.emit({ n, size: 1 }, { widget: "w" });',
        "    bus.emit(['a', 'inline'], { count: 1 });",
        "    bus.span(['a', 'job'], { job: 'x' }, () => n);",
        "    const s = bus.spanEvent(['a', 'step']).start({ step: n });",
        '    s.stop({ bytes: n });',
        '    bus.attach("listen", [\'a\', \'heard\'], () => undefined);',
        '  }',
        '}',
      ].join('\n'),
      'b/src/index.ts': "import { A_FAILED_EVENT } from '@rx-telemetry/a';\ndeclare const bus: any;\nexport const go = (): void => bus.emit(A_FAILED_EVENT, {}, { reason: 'b' });\n",
    };
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('finds names through constants, handles, spans, open spans and other packages; not listened names', () => {
    const events = emittedEvents(dir, ['a', 'b']).map((e) => `${e.key} [${e.packages}] m=${e.measurements} md=${e.metadata}`);
    expect(events).to.deep.equal([
      'a.inline [a] m=count md=',
      'a.job.exception [a] m= md=job',
      'a.job.start [a] m= md=job',
      'a.job.stop [a] m= md=job',
      'a.step.exception [a] m= md=step',
      'a.step.start [a] m= md=step',
      'a.step.stop [a] m=bytes md=step',
      'a.tick [a] m=n,size md=widget',
      'telemetry.a.failed [a,b] m= md=reason',
    ]);
  });

  it('expands alternatives and leaves patterns out', () => {
    expect([expandEventName("['a', 'b' | 'c']"), expandEventName("[...prefix, 'start']"), expandEventName('not a name')]).to.deep.equal([
      [
        ['a', 'b'],
        ['a', 'c'],
      ],
      undefined,
      undefined,
    ]);
  });

  it('reports undocumented, misplaced, not emitted events and unmentioned keys', () => {
    const doc = [
      '# Events',
      '## @rx-telemetry/a',
      'Everything here carries `widget`.',
      "### `['a', 'tick']` and `['a', 'inline']`",
      '```ts',
      "### `['not', 'a', 'heading']`",
      'measurements: { n: number; count: number }',
      '```',
      "### `['a', 'gone']`",
      '## @rx-telemetry/b',
      "### `['telemetry', 'a', 'failed']` — reason: string",
    ].join('\n');
    const report = compareEventsWithDoc(
      emittedEvents(dir, ['a', 'b']).filter((e) => !e.key.startsWith('a.step')),
      documentedEvents(doc),
      new Map([
        ['a', '@rx-telemetry/a'],
        ['b', '@rx-telemetry/other-b'],
      ]),
    );
    expect(report).to.deep.equal({
      undocumented: ['a.job.exception (a/src/widget.ts:9)', 'a.job.start (a/src/widget.ts:9)', 'a.job.stop (a/src/widget.ts:9)'],
      misplaced: ['telemetry.a.failed: listed under @rx-telemetry/b, emitted by @rx-telemetry/a, @rx-telemetry/other-b'],
      missingKeys: ["a.tick: measurement 'size' (a/src/widget.ts:5, a/src/widget.ts:7)"],
      notEmitted: ['a.gone (docs/events.md:9, @rx-telemetry/a)'],
    });
  });
});
