import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');

/** This package's directory (the example runs there, so imports resolve as a user's would). */
const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Transpiles the first ```ts block of `docs/<doc>` and runs it in this package; resolves its exit
 * code and output. Asynchronous: a blocking spawn would stall this process's event loop, which
 * the health tests measure.
 */
export async function runDocExample(doc: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const markdown = readFileSync(join(PACKAGE_DIR, '..', '..', 'docs', doc), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(markdown)?.[1];
  if (code === undefined) throw new Error(`docs/${doc} has no \`\`\`ts block`);
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = join(PACKAGE_DIR, `.doc-example-${process.pid}.mjs`);
  writeFileSync(file, js);
  try {
    return await new Promise((resolve) => {
      execFile(process.execPath, [file], { cwd: PACKAGE_DIR, encoding: 'utf8', timeout: 30_000 }, (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ status: code, stdout, stderr });
      });
    });
  } finally {
    rmSync(file, { force: true });
  }
}
