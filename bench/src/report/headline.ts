// Names of the realistic suite's cases ("<path> · <who> · <process>") and the rows the docs and
// the budget file read from them.
import { ratioOf, type CaseResult, type SuiteResult } from '../harness.js';

export const HEADLINE_SEP = ' · ';
export type ProcessKind = 'clean' | 'realistic';

/** `<path> · rx · clean`, `<path> · <peer> · realistic`, … */
export function headlineCaseName(path: string, who: string, kind: ProcessKind): string {
  return [path, who, kind].join(HEADLINE_SEP);
}

export interface HeadlineRow {
  readonly path: string;
  readonly peer: string;
  readonly clean: number;
  readonly realistic: number;
  readonly peerClean: number;
  readonly peerRealistic: number;
  readonly realisticOverClean: number;
  readonly overPeerClean: number;
  readonly overPeerRealistic: number;
}

export function headlineRows(suite: SuiteResult): HeadlineRow[] {
  const byPath = new Map<string, Map<string, CaseResult>>();
  for (const c of suite.cases) {
    const parts = c.name.split(HEADLINE_SEP);
    if (parts.length !== 3) continue;
    const [path, who, kind] = parts;
    const m = byPath.get(path) ?? new Map<string, CaseResult>();
    m.set(`${who}\0${kind}`, c);
    byPath.set(path, m);
  }
  const rows: HeadlineRow[] = [];
  for (const [path, m] of byPath) {
    const get = (who: string, kind: ProcessKind): CaseResult | undefined => m.get(`${who}\0${kind}`);
    const peer = [...m.keys()].map((k) => k.split('\0')[0]).find((w) => w !== 'rx');
    const rc = get('rx', 'clean');
    const rr = get('rx', 'realistic');
    if (peer === undefined || rc === undefined || rr === undefined) continue;
    const pc = get(peer, 'clean');
    const pr = get(peer, 'realistic');
    if (pc === undefined || pr === undefined) continue;
    rows.push({
      path,
      peer,
      clean: rc.nsPerOp,
      realistic: rr.nsPerOp,
      peerClean: pc.nsPerOp,
      peerRealistic: pr.nsPerOp,
      realisticOverClean: ratioOf(rr, rc),
      overPeerClean: ratioOf(rc, pc),
      overPeerRealistic: ratioOf(rr, pr),
    });
  }
  return rows;
}
