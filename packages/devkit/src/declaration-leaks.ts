import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';

// What a published declaration file must not show (issue 9 §7): `_`-prefixed members or names,
// and `@internal` (stripInternal removes what is tagged; a tag left in the output means the
// declaration it documents was not removed).
const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');

/** One finding: `file:line: what`. */
export type Leak = string;

function named(node: import('typescript').Node): string | undefined {
  const k = ts.SyntaxKind;
  switch (node.kind) {
    case k.PropertyDeclaration:
    case k.PropertySignature:
    case k.MethodDeclaration:
    case k.MethodSignature:
    case k.GetAccessor:
    case k.SetAccessor:
    case k.EnumMember:
    case k.FunctionDeclaration:
    case k.VariableDeclaration:
    case k.ClassDeclaration:
    case k.InterfaceDeclaration:
    case k.TypeAliasDeclaration:
    case k.EnumDeclaration:
    case k.ModuleDeclaration:
    case k.ExportSpecifier: {
      const name = (node as import('typescript').NamedDeclaration).name;
      if (name === undefined) return undefined;
      if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
      return undefined; // #private, computed names
    }
    default:
      return undefined; // parameters (`_event`) and type parameters are not members
  }
}

/** `_`-prefixed declared names and `@internal` tags in one declaration file's text. */
export function declarationLeaks(text: string, fileName = 'file.d.ts'): Leak[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const leaks: Leak[] = [];
  const line = (pos: number): number => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: import('typescript').Node): void => {
    const name = named(node);
    if (name?.startsWith('_')) leaks.push(`${fileName}:${line(node.getStart(source))}: ${ts.SyntaxKind[node.kind]} ${name}`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  for (const m of text.matchAll(/@internal\b/g)) leaks.push(`${fileName}:${line(m.index)}: @internal`);
  return leaks;
}

/**
 * The declaration files a package emits for its current sources: dist/src/**\/*.d.ts whose
 * src/**\/*.ts still exists (an output left behind by a deleted source is not emitted any more).
 */
export function emittedDeclarations(packageDir: string): string[] {
  const out = join(packageDir, 'dist', 'src');
  if (!existsSync(out)) return [];
  return readdirSync(out, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.d.ts'))
    .filter((f) => existsSync(join(packageDir, 'src', f.replace(/\.d\.ts$/, '.ts'))))
    .sort()
    .map((f) => join(out, f));
}

/** Every leak in a package's emitted declaration files, paths relative to `base`. */
export function packageDeclarationLeaks(packageDir: string, base: string): Leak[] {
  return emittedDeclarations(packageDir).flatMap((file) => declarationLeaks(readFileSync(file, 'utf8'), relative(base, file)));
}
