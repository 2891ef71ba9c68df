import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../src/repo-root.js';

describe('README', () => {
  it('shows examples/basic/main.ts verbatim', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = readFileSync(join(root, 'examples', 'basic', 'main.ts'), 'utf8');
    expect(readme).to.include('```ts\n' + example + '```');
  });

  it('shows both commands', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect([readme.includes('npm run demo'), readme.includes('npm test')]).to.deep.equal([true, true]);
  });
});
