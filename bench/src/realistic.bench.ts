// The headline paths measured in a clean and in a realistic process (issue 11): two child
// processes per path, driven batch for batch in turn, so a clean batch and a realistic batch run
// back to back and their ratio cancels the drift of a shared machine, as paired ratios do in one
// process. Each child also times the path's peer, so "ours / peer" holds in both processes.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, fmtRatio, median } from './format.js';
import { pick, report, type BudgetCheck, type CaseResult, type Metric, type SuiteResult } from './harness.js';
import { progress } from './progress.js';
import { headlineCaseName, type ProcessKind } from './report/headline.js';
import { HEADLINE_PATHS, type HeadlinePath } from './realistic/paths.js';
import type { FromWorker, ToWorker } from './realistic/worker.js';

const workerFile = fileURLToPath(new URL('./realistic/worker.js', import.meta.url));
let nextGroup = 1_000_000;

class Worker {
  readonly #child: ChildProcess;
  readonly #waiting: ((m: FromWorker) => void)[] = [];
  readonly #exited: Promise<number | null>;
  loaded: readonly string[] = [];

  constructor(path: HeadlinePath, kind: ProcessKind, batchMs: number) {
    this.#child = fork(workerFile, [path.id, kind, String(batchMs)], { execArgv: ['--expose-gc'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (m: FromWorker) => this.#waiting.shift()?.(m));
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    void this.#exited.then((code) => {
      const pending = this.#waiting.splice(0);
      for (const w of pending) w({ type: 'error', message: `worker ${path.id}/${kind} exited with ${code}` });
    });
  }

  next(): Promise<FromWorker> {
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  async ask(m: ToWorker): Promise<FromWorker> {
    const reply = this.next();
    this.#child.send(m);
    return reply;
  }

  async close(): Promise<void> {
    if (this.#child.connected) this.#child.send({ type: 'exit' } satisfies ToWorker);
    const timer = setTimeout(() => this.#child.kill(), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

function expect<T extends FromWorker['type']>(m: FromWorker, type: T): Extract<FromWorker, { type: T }> {
  if (m.type === 'error') throw new Error(m.message);
  if (m.type !== type) throw new Error(`worker sent ${m.type}, expected ${type}`);
  return m as Extract<FromWorker, { type: T }>;
}

const kinds: ProcessKind[] = ['clean', 'realistic'];

/**
 * One pair of processes (clean, realistic) for `path`, driven batch for batch; appends each
 * batch's ns/op to ours[kind] and peer[kind]. Which code V8 ends up with differs from process to
 * process, so a full run starts several pairs and pools their batches.
 */
interface Loaded {
  readonly loaded: readonly string[];
  readonly failed: readonly string[];
}

async function runPair(path: HeadlinePath, batches: number, batchMs: number, ours: number[][], peer: number[][]): Promise<Loaded> {
  const workers = kinds.map((k) => new Worker(path, k, batchMs));
  try {
    const ready = await Promise.all(workers.map(async (w) => expect(await w.next(), 'ready')));
    // Two untimed rounds first: the first batches of a fresh process run colder code.
    for (let w = 0; w < 2; w++) for (const worker of workers) expect(await worker.ask({ type: 'batch', peerFirst: w === 1 }), 'batch');
    for (let b = 0; b < batches; b++) {
      progress.step(`${path.title}: batch ${b + 1}/${batches}`);
      // Alternate which process goes first, and within a process whether ours or the peer does.
      for (const j of b % 2 === 0 ? [0, 1] : [1, 0]) {
        const r = expect(await workers[j].ask({ type: 'batch', peerFirst: b % 4 >= 2 }), 'batch');
        ours[j].push(r.ours);
        peer[j].push(r.peer);
      }
    }
    return { loaded: ready[1].loaded, failed: ready[1].failed };
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
}

async function measurePath(path: HeadlinePath, pairs: number, batches: number, batchMs: number): Promise<{ cases: CaseResult[]; loaded: Loaded }> {
  const ours: number[][] = [[], []];
  const peer: number[][] = [[], []];
  let loaded: Loaded = { loaded: [], failed: [] };
  for (let p = 0; p < pairs; p++) loaded = await runPair(path, batches, batchMs, ours, peer);
  {
    const group = nextGroup++;
    const cases: CaseResult[] = [];
    kinds.forEach((k, j) => {
      cases.push({ name: headlineCaseName(path.title, 'rx', k), nsPerOp: median(ours[j]), batches: ours[j], group, peer: headlineCaseName(path.title, path.peer, k) });
      cases.push({ name: headlineCaseName(path.title, path.peer, k), nsPerOp: median(peer[j]), batches: peer[j], group });
    });
    progress.cases(cases);
    return { cases, loaded };
  }
}

/**
 * The paths to measure: all, or those named in RX_REALISTIC_PATHS (ids, comma-separated) while
 * working on one of them; budgets of the paths left out read as missing.
 */
function chosenPaths(): readonly HeadlinePath[] {
  const ids = process.env.RX_REALISTIC_PATHS?.split(',').filter((s) => s.length !== 0);
  if (ids === undefined || ids.length === 0) return HEADLINE_PATHS;
  const unknown = ids.filter((id) => !HEADLINE_PATHS.some((p) => p.id === id));
  if (unknown.length) throw new Error(`RX_REALISTIC_PATHS: no path ${unknown.join(', ')}; known: ${HEADLINE_PATHS.map((p) => p.id).join(', ')}`);
  return HEADLINE_PATHS.filter((p) => ids.includes(p.id));
}

export async function run(): Promise<SuiteResult> {
  const paths = chosenPaths();
  const pairs = pick(3, 1);
  const batches = pick(12, 9);
  const batchMs = pick(40, 15);
  const cases: CaseResult[] = [];
  let loaded: Loaded = { loaded: [], failed: [] };
  for (const path of paths) {
    const r = await measurePath(path, pairs, batches, batchMs);
    cases.push(...r.cases);
    loaded = r.loaded;
  }
  const lines: BudgetCheck[] = [];
  for (const path of paths) {
    const get = (who: string, k: ProcessKind): CaseResult => cases.find((c) => c.name === headlineCaseName(path.title, who, k)) as CaseResult;
    const rc = get('rx', 'clean');
    const rr = get('rx', 'realistic');
    const ratio = median(rr.batches.map((v, i) => v / rc.batches[i]));
    lines.push({
      name: `${path.title}: realistic / clean`,
      ok: ratio <= 1.5,
      detail: `${fmtRatio(ratio)} (${fmt(rr.nsPerOp)} / ${fmt(rc.nsPerOp)}, paired; peer ${fmt(get(path.peer, 'clean').nsPerOp)} clean, ${fmt(get(path.peer, 'realistic').nsPerOp)} realistic)`,
      value: ratio,
      limit: 1.5,
      unit: 'x',
    });
  }
  const peers = paths.flatMap((p) => (['clean', 'realistic'] as const).map((k) => headlineCaseName(p.title, p.peer, k)));
  if (loaded.failed.length) console.error(`\nrealistic: packages that did not load in the realistic process: ${loaded.failed.join('; ')}`);
  const metrics: Record<string, Metric> = {
    'packages loaded in the realistic process': { value: loaded.loaded.length, unit: 'packages', note: loaded.loaded.map((n) => n.replace('@rx-telemetry/', '')).join(', ') },
  };
  if (loaded.failed.length) metrics['packages that failed to load there'] = { value: loaded.failed.length, unit: 'packages', note: loaded.failed.join('; ') };
  return report('realistic', cases, peers, lines, { metrics });
}
