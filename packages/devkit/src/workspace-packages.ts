import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './repo-root.js';

/** A package under packages/ as the repo-wide checks see it. */
export interface WorkspacePackage {
  /** The folder name under packages/. */
  readonly dir: string;
  /** Absolute path of the folder. */
  readonly path: string;
  readonly name: string;
  readonly version: string;
  /** `private: true` packages (devkit) are never packed nor published. */
  readonly private: boolean;
  readonly manifest: PackageManifest;
}

export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly exports?: Readonly<Record<string, unknown>>;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly files?: readonly string[];
}

/** Every packages/<dir> with a package.json, sorted by folder name (read fresh on each call). */
export function workspacePackages(packagesDir = join(root, 'packages')): WorkspacePackage[] {
  return readdirSync(packagesDir)
    .sort()
    .filter((dir) => existsSync(join(packagesDir, dir, 'package.json')))
    .map((dir) => {
      const path = join(packagesDir, dir);
      const manifest = JSON.parse(readFileSync(join(path, 'package.json'), 'utf8')) as PackageManifest;
      return { dir, path, name: manifest.name, version: manifest.version, private: manifest.private === true, manifest };
    });
}

/** The packages meant for users: every workspace package not marked private. */
export function publicPackages(packagesDir?: string): WorkspacePackage[] {
  return workspacePackages(packagesDir).filter((p) => !p.private);
}
