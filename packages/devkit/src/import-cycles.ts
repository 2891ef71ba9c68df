import { createRequire } from 'node:module';
import { isAbsolute, relative, resolve } from 'node:path';

// The import-cycle check: madge's API with exactly what the CLI does for
//   madge --circular --extensions ts packages/*/src
// Type-only imports count (`import type`, `import { type X }`): they are erased at run time, so they
// cannot break module evaluation order, but they still tie two files to each other, and the cycle
// issue 9 names (webgpu's command-record ↔ device-probe) is closed only by type-only imports. A file
// that needs a type from a file that imports it gets the type from a third file instead.

interface MadgeResult {
  obj(): Record<string, string[]>;
  circular(): string[][];
  warnings(): { skipped: string[] };
}
type Madge = (paths: string[], config: Record<string, unknown>) => Promise<MadgeResult>;

const require = createRequire(import.meta.url);

export interface CycleReport {
  /** Each cycle as the files on it, relative to the common base madge picked. */
  readonly cycles: readonly (readonly string[])[];
  /** Every file madge read (a file it could not parse is missing here). */
  readonly files: readonly string[];
  /** Relative imports madge could not resolve to a file: edges it could not see. */
  readonly unresolved: readonly string[];
}

/** Finds import cycles among the `.ts` files under `dirs` (absolute, or relative to `cwd`). */
export async function findImportCycles(dirs: readonly string[], cwd = process.cwd()): Promise<CycleReport> {
  if (dirs.length === 0) throw new Error('findImportCycles: no directories given');
  const madge = require('madge') as Madge;
  const paths = dirs.map((d) => (isAbsolute(d) ? d : resolve(cwd, d)));
  const result = await madge(paths, {
    fileExtensions: ['ts'],
    // madge's defaults, spelled out: what the check means does not depend on them.
    detectiveOptions: { ts: { skipTypeImports: false, skipAsyncImports: false } },
    includeNpm: false,
  });
  return {
    cycles: result.circular(),
    files: Object.keys(result.obj()),
    unresolved: result.warnings().skipped.filter((dep) => dep.startsWith('.') || isAbsolute(dep)),
  };
}

/** One line per cycle, for an assertion message. */
export function formatCycles(report: CycleReport, base = process.cwd()): string {
  return report.cycles.map((c, i) => `${i + 1}) ${c.map((f) => (isAbsolute(f) ? relative(base, f) : f)).join(' > ')}`).join('\n');
}
