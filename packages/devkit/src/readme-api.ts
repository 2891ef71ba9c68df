// Checks that a package's README "## API" section names every export of its entry points: what
// is not listed there is not exported (issue 9 §7).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as TS from 'typescript';

const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof TS;

/** Every name exported (values and types) by the declaration file at `dts`. */
export function exportedNames(dts: string): string[] {
  const program = ts.createProgram([dts], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(dts);
  if (source === undefined) throw new Error(`cannot read ${dts}`);
  const module = checker.getSymbolAtLocation(source);
  if (module === undefined) return [];
  return checker.getExportsOfModule(module).map((s) => s.getName()).sort();
}

/** The text of the README's `## API` section (up to the next `## ` heading), or undefined. */
export function apiSection(readme: string): string | undefined {
  const m = /^## API\s*$([\s\S]*?)(?=^## |(?![\s\S]))/m.exec(readme);
  return m?.[1];
}

/** Identifiers written in backticks in `text` (`name`, `name(args)`, `new Name(…)`, `a.b` → a). */
export function mentionedNames(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of text.matchAll(/`([^`]+)`/g)) {
    for (const id of m[1].matchAll(/[A-Za-z_$][\w$]*/g)) out.add(id[0]);
  }
  return out;
}

/** Exports of a package's entry points (the `exports` map's `types`) that its README's API section does not name. */
export function unlistedExports(packageDir: string): { missingSection: boolean; unlisted: string[] } {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { exports?: Record<string, { types?: string } | string> };
  const readme = existsSync(join(packageDir, 'README.md')) ? readFileSync(join(packageDir, 'README.md'), 'utf8') : '';
  const section = apiSection(readme);
  if (section === undefined) return { missingSection: true, unlisted: [] };
  const mentioned = mentionedNames(section);
  const unlisted: string[] = [];
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (subpath === './package.json' || typeof target !== 'object' || target.types === undefined) continue;
    for (const name of exportedNames(join(packageDir, target.types))) if (!mentioned.has(name)) unlisted.push(subpath === '.' ? name : `${subpath}:${name}`);
  }
  return { missingSection: false, unlisted };
}
