import { expect } from 'chai';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { declarationLeaks, emittedDeclarations, packageDeclarationLeaks } from '../src/declaration-leaks.js';
import { root } from '../src/repo-root.js';
import { publicPackages } from '../src/workspace-packages.js';

// Issue 9 §7: declaration files contain no `_`-prefixed or `@internal` members. stripInternal
// (tsconfig.base.json) drops what is tagged `@internal`; these tests read what the build emitted.
const require = createRequire(import.meta.url);
const ts = require('typescript') as typeof import('typescript');

describe('emitted declaration files', () => {
  for (const pkg of publicPackages()) {
    it(`${pkg.name}: no _-prefixed member and no @internal in dist/src/**/*.d.ts`, () => {
      expect(emittedDeclarations(pkg.path), `${pkg.name} has no emitted declarations: build first (tsc -b)`).to.not.be.empty;
      expect(packageDeclarationLeaks(pkg.path, root)).to.deep.equal([]);
    });
  }
});

describe('declaration checks (controls)', () => {
  it('tsconfig.base.json turns stripInternal on, and it removes an @internal member from the declarations', () => {
    const base = ts.readConfigFile(join(root, 'tsconfig.base.json'), ts.sys.readFile.bind(ts.sys));
    const parsed = ts.parseJsonConfigFileContent(base.config, ts.sys, root);
    const source = '/** A bus. */\nexport class Bus {\n  /** @internal */\n  _dispatch(): void {}\n  emit(): void {}\n}\n';
    let dts = '';
    const options = { ...parsed.options, composite: false, incremental: false, declarationMap: false, emitDeclarationOnly: true, types: [] };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (f) => (f.endsWith('/fixture.ts') ? source : readFile(f));
    host.fileExists = ((exists) => (f: string) => f.endsWith('/fixture.ts') || exists(f))(host.fileExists.bind(host));
    host.writeFile = (f, text) => {
      if (f.endsWith('.d.ts')) dts = text;
    };
    ts.createProgram([join(root, 'fixture.ts')], options, host).emit();
    expect({ stripInternal: parsed.options.stripInternal, dts: dts.replace(/\s+/g, ' ').trim() }).to.deep.equal({
      stripInternal: true,
      dts: '/** A bus. */ export declare class Bus { emit(): void; }',
    });
  });

  it('finds _-prefixed members, names and exports, and @internal tags', () => {
    const text = [
      'export declare class Bus {',
      '    _dispatch(): void;',
      '    readonly _state: number;',
      '    get _epoch(): number;',
      '}',
      'export interface Options { _raw?: string; ok: boolean; }',
      'export declare function _helper(): void;',
      'declare const hidden: number;',
      'export { hidden as _hidden };',
      '/** @internal */',
      'export declare const leaked: number;',
    ].join('\n');
    expect(declarationLeaks(text, 'x.d.ts')).to.deep.equal([
      'x.d.ts:2: MethodDeclaration _dispatch',
      'x.d.ts:3: PropertyDeclaration _state',
      'x.d.ts:4: GetAccessor _epoch',
      'x.d.ts:6: PropertySignature _raw',
      'x.d.ts:7: FunctionDeclaration _helper',
      'x.d.ts:9: ExportSpecifier _hidden',
      'x.d.ts:10: @internal',
    ]);
  });

  it('leaves _-prefixed parameters, #private and names with an inner underscore alone', () => {
    const text = [
      'export type Handler = (_event: string[], _m: Record<string, number>) => void;',
      'export declare class Reporter { #private; stop(_reason?: string): Promise<void>; max_series: number; }',
    ].join('\n');
    expect(declarationLeaks(text, 'y.d.ts')).to.deep.equal([]);
  });
});
