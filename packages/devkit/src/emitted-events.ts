import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import type * as TS from 'typescript';

// Which events the packages emit, read from their sources with the TypeScript checker (no run).
// A name counts as emitted by a package when, in its src/:
// - it reaches an emit entry point: `x.emit(NAME, …)`, `emit(NAME, …)`, `x.event(NAME)`, or a span
//   entry point `x.span(P, …)`, `span(P, …)`, `x.startSpan(P, …)`, `x.spanEvent(P)`,
//   `new SpanEvents(x, P)` (P → P+start, P+stop, P+exception);
// - or the package's index exports it as a `*_EVENT` constant declared in that package (a
//   package exports such a constant only for a name it emits; it is a span prefix when it reaches a
//   span entry point).
// NAME / P is an array of string literals, maybe frozen or `as const`, written there or reached
// through constants (also across files and packages). Names built at run time are not seen.
// Measurement and metadata keys are those written as object literals at the emit: the bus's
// `emit(NAME, {…}, {…})`, a handle's `h.emit({…}, {…})`, a span's start metadata, an open span's
// `stop({…}, {…})` / `exception(e, {…})`; spreads and computed keys are not seen.

const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof TS;

export interface EmittedEvent {
  /** Segments joined with '.'. */
  readonly key: string;
  readonly name: readonly string[];
  /** Package folder names (under packages/) that emit it. */
  readonly packages: readonly string[];
  readonly measurements: readonly string[];
  readonly metadata: readonly string[];
  /** Where: `packages/<dir>/src/<file>:<line>`. */
  readonly sites: readonly string[];
}

interface Entry {
  name: string[];
  packages: Set<string>;
  measurements: Set<string>;
  metadata: Set<string>;
  sites: Set<string>;
}

type Handle = { kind: 'event'; name: string[] } | { kind: 'spanEvent' | 'openSpan'; prefix: string[] };

const SPAN_SUFFIXES = ['start', 'stop', 'exception'];
const SPAN_CALLS = new Set(['span', 'startSpan', 'spanEvent']);

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(dir, f));
}

function calleeName(node: TS.CallExpression | TS.NewExpression): string | undefined {
  const e = node.expression;
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

/** `(x)`, `x as T`, `x satisfies T`, `x!`, `<T>x` → x. */
function unwrap(node: TS.Expression): TS.Expression {
  let e = node;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

function isObjectFreeze(e: TS.CallExpression): boolean {
  const c = e.expression;
  return ts.isPropertyAccessExpression(c) && ts.isIdentifier(c.expression) && c.expression.text === 'Object' && c.name.text === 'freeze';
}

function objectKeys(node: TS.Expression | undefined): string[] {
  if (node === undefined) return [];
  const e = unwrap(node);
  if (!ts.isObjectLiteralExpression(e)) return [];
  return e.properties.flatMap((p) => {
    if (ts.isShorthandPropertyAssignment(p)) return [p.name.text];
    if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return [p.name.text];
    return [];
  });
}

/**
 * Every event the packages `dirs` (folder names under `packagesDir`) emit, by the rules above.
 * `@rx-telemetry/<dir>` imports resolve to `<packagesDir>/<dir>/src/index.ts`.
 */
export function emittedEvents(packagesDir: string, dirs: readonly string[], base = packagesDir): EmittedEvent[] {
  const files = dirs.flatMap((d) => sourceFiles(join(packagesDir, d, 'src')));
  const options: TS.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    baseUrl: packagesDir,
    paths: { '@rx-telemetry/*': ['./*/src/index.ts'] },
  };
  const program = ts.createProgram(files, options);
  const checker = program.getTypeChecker();
  const packageOf = (file: TS.SourceFile): string | undefined => {
    const rel = relative(packagesDir, file.fileName).split(/[\\/]/);
    return rel.length > 2 && rel[1] === 'src' && dirs.includes(rel[0]!) ? rel[0] : undefined;
  };
  const symbolOf = (node: TS.Node): TS.Symbol | undefined => {
    const target = ts.isPropertyAccessExpression(node) ? node.name : node;
    const s = checker.getSymbolAtLocation(target);
    return s !== undefined && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
  };
  const initializerOf = (s: TS.Symbol | undefined): TS.Expression | undefined => {
    for (const d of s?.declarations ?? []) {
      if ((ts.isVariableDeclaration(d) || ts.isPropertyDeclaration(d)) && d.initializer !== undefined) return d.initializer;
    }
    return undefined;
  };

  const resolveName = (node: TS.Expression, depth = 0): string[] | undefined => {
    if (depth > 8) return undefined;
    const e = unwrap(node);
    if (ts.isArrayLiteralExpression(e)) {
      const parts = e.elements.map((x) => (ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x) ? x.text : undefined));
      return parts.length > 0 && parts.every((p) => p !== undefined) ? (parts as string[]) : undefined;
    }
    if (ts.isCallExpression(e) && e.arguments.length === 1 && isObjectFreeze(e)) return resolveName(e.arguments[0]!, depth + 1);
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
      const init = initializerOf(symbolOf(e));
      return init === undefined ? undefined : resolveName(init, depth + 1);
    }
    return undefined;
  };

  // Handles assigned in one place and used in another (`this.x = bus.event(N)`, then `this.x.emit`).
  const assigned = new Map<TS.Symbol, TS.Expression>();
  const resolveHandle = (node: TS.Expression, depth = 0): Handle | undefined => {
    if (depth > 8) return undefined;
    const e = unwrap(node);
    if (ts.isCallExpression(e)) {
      const callee = calleeName(e);
      const arg = e.arguments[0];
      if (callee === 'event' && arg !== undefined) {
        const name = resolveName(arg);
        return name && { kind: 'event', name };
      }
      if ((callee === 'spanEvent' || callee === 'startSpan') && arg !== undefined) {
        const prefix = resolveName(arg);
        return prefix && { kind: callee === 'spanEvent' ? 'spanEvent' : 'openSpan', prefix };
      }
      if (callee === 'start' && ts.isPropertyAccessExpression(e.expression)) {
        const owner = resolveHandle(e.expression.expression, depth + 1);
        return owner?.kind === 'spanEvent' ? { kind: 'openSpan', prefix: owner.prefix } : undefined;
      }
      return undefined;
    }
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) {
      const s = symbolOf(e);
      const init = (s && assigned.get(s)) ?? initializerOf(s);
      return init === undefined ? undefined : resolveHandle(init, depth + 1);
    }
    return undefined;
  };

  const entries = new Map<string, Entry>();
  const add = (name: readonly string[], pkg: string, site: string, measurements: string[] = [], metadata: string[] = []): void => {
    const key = name.join('.');
    let entry = entries.get(key);
    if (entry === undefined) entries.set(key, (entry = { name: [...name], packages: new Set(), measurements: new Set(), metadata: new Set(), sites: new Set() }));
    entry.packages.add(pkg);
    entry.sites.add(site);
    measurements.forEach((m) => entry.measurements.add(m));
    metadata.forEach((m) => entry.metadata.add(m));
  };
  const spanPrefixes = new Set<string>();
  const addSpan = (prefix: readonly string[], pkg: string, site: string, startMetadata: string[] = []): void => {
    spanPrefixes.add(prefix.join('.'));
    for (const suffix of SPAN_SUFFIXES) add([...prefix, suffix], pkg, site, [], startMetadata);
  };

  const ours = program.getSourceFiles().filter((f) => packageOf(f) !== undefined);
  const walk = (visit: (node: TS.Node, file: TS.SourceFile, pkg: string) => void): void => {
    for (const file of ours) {
      const pkg = packageOf(file)!;
      const go = (node: TS.Node): void => {
        visit(node, file, pkg);
        ts.forEachChild(node, go);
      };
      go(file);
    }
  };
  walk((node) => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const s = symbolOf(node.left);
      if (s !== undefined && ts.isCallExpression(unwrap(node.right))) assigned.set(s, node.right);
    }
  });
  walk((node, file, pkg) => {
    if (!ts.isCallExpression(node) && !ts.isNewExpression(node)) return;
    const callee = calleeName(node);
    const args = node.arguments ?? ts.factory.createNodeArray<TS.Expression>();
    const site = `${relative(base, file.fileName)}:${file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1}`;
    if (ts.isNewExpression(node)) {
      const prefix = callee === 'SpanEvents' && args[1] !== undefined ? resolveName(args[1]) : undefined;
      if (prefix) addSpan(prefix, pkg, site);
      return;
    }
    const first = args[0];
    if (first === undefined) return;
    if (callee === 'emit' || callee === 'event') {
      const name = resolveName(first);
      if (name) return add(name, pkg, site, objectKeys(args[1]), objectKeys(args[2]));
    }
    if (callee !== undefined && SPAN_CALLS.has(callee)) {
      const prefix = resolveName(first);
      if (prefix) return addSpan(prefix, pkg, site, objectKeys(args[1]));
    }
    if (!ts.isPropertyAccessExpression(node.expression)) return;
    const handle = resolveHandle(node.expression.expression);
    if (handle?.kind === 'event' && callee === 'emit') add(handle.name, pkg, site, objectKeys(first), objectKeys(args[1]));
    else if (handle?.kind === 'spanEvent' && (callee === 'start' || callee === 'run')) addSpan(handle.prefix, pkg, site, objectKeys(first));
    else if (handle?.kind === 'openSpan' && callee === 'stop') add([...handle.prefix, 'stop'], pkg, site, objectKeys(first), objectKeys(args[1]));
    else if (handle?.kind === 'openSpan' && callee === 'exception') add([...handle.prefix, 'exception'], pkg, site, [], objectKeys(args[1]));
  });

  // Exported `*_EVENT` constants: declared by the package that emits them.
  for (const dir of dirs) {
    const index = program.getSourceFile(join(packagesDir, dir, 'src', 'index.ts'));
    const moduleSymbol = index && checker.getSymbolAtLocation(index);
    for (const exported of moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []) {
      if (!/_EVENT$/.test(exported.name)) continue;
      const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decl = target.declarations?.[0];
      if (decl === undefined || packageOf(decl.getSourceFile()) !== dir) continue;
      const init = initializerOf(target);
      const name = init && resolveName(init);
      if (name === undefined || spanPrefixes.has(name.join('.'))) continue;
      const file = decl.getSourceFile();
      add(name, dir, `${relative(base, file.fileName)}:${file.getLineAndCharacterOfPosition(decl.getStart(file)).line + 1}`);
    }
  }

  return [...entries.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, e]) => ({
      key,
      name: e.name,
      packages: [...e.packages].sort(),
      measurements: [...e.measurements].sort(),
      metadata: [...e.metadata].sort(),
      sites: [...e.sites].sort(),
    }));
}
