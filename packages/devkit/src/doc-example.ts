import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

// Docs that run: a markdown file's first ```ts (or ```js) block, transpiled without type checks
// and executed inside a package directory, so its imports resolve as a user's would.
const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');

export interface DocRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The first ```ts, ```js or ```mjs block of `markdown`, if any. */
export function firstCodeBlock(markdown: string): string | undefined {
  return /```(?:ts|js|mjs)\n([\s\S]*?)```/.exec(markdown)?.[1];
}

/**
 * Runs the first code block of the markdown file `doc` in `packageDir` and resolves its exit
 * status and output. Asynchronous: a blocking spawn would stall the caller's event loop (some
 * tests measure it).
 */
export async function runDocExample(doc: string, packageDir: string, timeoutMs = 100_000): Promise<DocRun> {
  const code = firstCodeBlock(readFileSync(doc, 'utf8'));
  if (code === undefined) throw new Error(`${doc} has no \`\`\`ts or \`\`\`js block`);
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const file = join(packageDir, `.doc-example-${basename(doc, '.md')}-${process.pid}.mjs`);
  writeFileSync(file, js);
  try {
    return await new Promise((resolve) => {
      execFile(process.execPath, [file], { cwd: packageDir, encoding: 'utf8', timeout: timeoutMs }, (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ status, stdout, stderr });
      });
    });
  } finally {
    rmSync(file, { force: true });
  }
}
