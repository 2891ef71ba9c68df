// Set-up step for @rx-telemetry/webgpu: a Vulkan driver that runs on the CPU.
//
// Dawn rejects Debian 12's own lavapipe (Mesa 22.3.6); Mesa 25's lavapipe from
// bookworm-backports works. We fetch that one package with a private apt state into
// .cache/lavapipe, unpack it there and point an ICD JSON at its libvulkan_lvp.so: the
// machine's apt configuration and installed packages are never touched (libvulkan1, the
// loader, is the only system package needed, and the base set-up installs it).
// A failure here must not stop the set-up: the package falls back to Dawn's OpenGL ES
// backend, and in CI the WebGPU tests fail loudly if no adapter works at all.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { icdFile } from '../env.mjs';

const SUITE = 'bookworm-backports';
const PACKAGE = 'mesa-vulkan-drivers';

export default async function lavapipe({ step, output }) {
  // env.mjs owns the location (it exports the ICD path the project environment uses).
  const dir = dirname(icdFile);
  if (icdReady()) return;
  try {
    ensureLoader(step);
    step(`fetching ${PACKAGE}/${SUITE} (lavapipe) into .cache/lavapipe`);
    fetchAndUnpack(dir, output);
    const lib = findFile(join(dir, 'root'), 'libvulkan_lvp.so');
    if (lib === undefined) throw new Error(`libvulkan_lvp.so not found in the unpacked ${PACKAGE}`);
    writeFileSync(icdFile, JSON.stringify(icdJson(dir, lib), null, 2) + '\n');
    step(`lavapipe ready: ${icdFile}`);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    step(`lavapipe unavailable (${why}); @rx-telemetry/webgpu will use Dawn's OpenGL ES backend`);
  }
}

function icdReady() {
  if (!existsSync(icdFile)) return false;
  try {
    const lib = JSON.parse(readFileSync(icdFile, 'utf8')).ICD?.library_path;
    return typeof lib === 'string' && existsSync(lib);
  } catch {
    return false;
  }
}

function ensureLoader(step) {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib', '/lib/x86_64-linux-gnu'];
  if (dirs.some((d) => existsSync(join(d, 'libvulkan.so.1')))) return;
  step('installing libvulkan1 (the Vulkan loader)');
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  sh([...sudo, 'apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'libvulkan1'], {
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function fetchAndUnpack(dir, output) {
  const mirror = debianMirror();
  if (mirror === undefined) throw new Error('no Debian mirror found in /etc/apt/sources.list{,.d}');
  const arch = output('dpkg', ['--print-architecture']) ?? 'amd64';
  const apt = join(dir, 'apt');
  for (const d of [join(apt, 'lists', 'partial'), join(apt, 'cache', 'archives', 'partial'), join(dir, 'deb')]) {
    mkdirSync(d, { recursive: true });
  }
  const sourceList = join(apt, 'sources.list');
  const signedBy = mirror.signedBy ? `[signed-by=${mirror.signedBy}] ` : '';
  writeFileSync(sourceList, `deb ${signedBy}${mirror.uri} ${SUITE} main\n`);
  // A private apt state: our own source list, lists and cache; the system's are not read or written.
  const opts = [
    '-o', `Dir::Etc::sourcelist=${sourceList}`,
    '-o', 'Dir::Etc::sourceparts=-',
    '-o', `Dir::State::Lists=${join(apt, 'lists')}`,
    '-o', `Dir::Cache=${join(apt, 'cache')}`,
    '-o', `APT::Architecture=${arch}`,
    '-o', 'APT::Sandbox::User=root',
    '-o', 'Debug::NoLocking=1',
    '-qq',
  ];
  sh(['apt-get', ...opts, 'update']);
  const debDir = join(dir, 'deb');
  for (const f of readdirSync(debDir)) rmSync(join(debDir, f));
  sh(['apt-get', ...opts, 'download', `${PACKAGE}/${SUITE}`], { cwd: debDir });
  const deb = readdirSync(debDir).find((f) => f.endsWith('.deb'));
  if (deb === undefined) throw new Error('apt-get download produced no .deb');
  rmSync(join(dir, 'root'), { recursive: true, force: true });
  sh(['dpkg', '-x', join(debDir, deb), join(dir, 'root')]);
}

/** The Debian archive URI (and its keyring) from the machine's own apt sources. */
function debianMirror() {
  const found = [];
  const partsDir = '/etc/apt/sources.list.d';
  if (existsSync(partsDir)) {
    for (const f of readdirSync(partsDir).filter((f) => f.endsWith('.sources')).sort()) {
      for (const stanza of readFileSync(join(partsDir, f), 'utf8').split(/\n\s*\n/)) {
        const field = (name) => stanza.match(new RegExp(`^${name}:\\s*(.+)$`, 'mi'))?.[1].trim();
        if (!/\bdeb\b/.test(field('Types') ?? '')) continue;
        const suites = (field('Suites') ?? '').split(/\s+/);
        if (!suites.some((s) => s === 'bookworm' || s.startsWith('bookworm-'))) continue;
        for (const uri of (field('URIs') ?? '').split(/\s+/)) found.push({ uri, suites, signedBy: field('Signed-By') });
      }
    }
  }
  if (existsSync('/etc/apt/sources.list')) {
    for (const line of readFileSync('/etc/apt/sources.list', 'utf8').split('\n')) {
      const m = line.match(/^\s*deb\s+(?:\[([^\]]*)\]\s+)?(\S+)\s+(\S+)/);
      if (!m || !m[3].startsWith('bookworm')) continue;
      found.push({ uri: m[2], suites: [m[3]], signedBy: m[1]?.match(/signed-by=(\S+)/)?.[1] });
    }
  }
  // The main archive carries backports; the security archive does not.
  return found.find((s) => s.suites.includes('bookworm') && !/security/.test(s.uri)) ?? found.find((s) => !/security/.test(s.uri));
}

function findFile(dir, name) {
  if (!existsSync(dir)) return undefined;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return p;
    if (entry.isDirectory()) {
      const hit = findFile(p, name);
      if (hit) return hit;
    }
  }
  return undefined;
}

function icdJson(dir, lib) {
  // Keep the api_version the package declares; only the library path is rewritten.
  const shipped = findFile(join(dir, 'root'), 'lvp_icd.json') ?? findFile(join(dir, 'root'), `lvp_icd.${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}.json`);
  let apiVersion = '1.3.0';
  if (shipped) {
    try {
      apiVersion = JSON.parse(readFileSync(shipped, 'utf8')).ICD?.api_version ?? apiVersion;
    } catch {}
  }
  return { file_format_version: '1.0.0', ICD: { library_path: lib, api_version: apiVersion } };
}

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.status !== 0) {
    const detail = (r.stderr || r.stdout || r.error?.message || '').trim().split('\n').slice(-3).join(' | ');
    throw new Error(`${argv.join(' ')} failed (${r.status ?? r.signal}): ${detail}`);
  }
  return r.stdout;
}
