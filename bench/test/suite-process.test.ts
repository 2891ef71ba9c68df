import { expect } from 'chai';
import { runSuiteProcess } from '../src/suite-process.js';

const fixture = (name: string): string => `../test/suites/${name}.bench-fixture.js`;

describe('each suite in a process of its own', () => {
  it('runs a suite in a fresh process, a new one for every suite', async () => {
    const [first] = await runSuiteProcess('fixture', false, fixture('pid'));
    const [second] = await runSuiteProcess('fixture', false, fixture('pid'));
    expect(first.metrics?.pid.value).to.be.a('number').and.not.equal(process.pid);
    expect(second.metrics?.pid.value).to.not.equal(first.metrics?.pid.value);
  });

  it('passes --quick on to the suite', async () => {
    const [quick] = await runSuiteProcess('fixture', true, fixture('pid'));
    const [full] = await runSuiteProcess('fixture', false, fixture('pid'));
    expect([quick.metrics?.quick.value, full.metrics?.quick.value]).to.deep.equal([1, 0]);
  });

  it("rejects with the suite's own error when it throws", async () => {
    const error = await runSuiteProcess('fixture', false, fixture('throws')).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.contain('fixture suite broke');
  });

  it('rejects when the process dies without sending results', async () => {
    const error = await runSuiteProcess('dying', false, fixture('dies')).then(() => undefined, (e: Error) => e);
    expect(error?.message).to.equal("the dying suite's process exited (code 3) without results");
  });
});
