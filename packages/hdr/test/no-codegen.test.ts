import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordScenario } from './fixtures/record-scenario.js';

// Record paths and tag lookups are made per metric with `new Function`; where that is disallowed
// they run as shared closures (record-fallback.ts, TagIndex's loop, the reader's methods).
describe('record paths without code generation from strings', () => {
  it('record what the generated paths record (snapshot and exemplars), in a process run with --disallow-code-generation-from-strings', function () {
    this.timeout(20_000);
    const script = fileURLToPath(new URL('./fixtures/record-scenario.js', import.meta.url));
    const out = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', script, '--print'], { encoding: 'utf8' });
    const here = JSON.parse(JSON.stringify(recordScenario())) as unknown;
    expect(JSON.parse(out)).to.deep.equal(here);
  });

  it('are what this process runs: code generation is allowed here', () => {
    expect(new Function('return 1')()).to.equal(1);
  });
});
