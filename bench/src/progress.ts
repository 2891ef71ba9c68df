// Progress on stderr: on a terminal one line rewritten in place (suite, step); elsewhere (CI logs,
// pipes) a plain line per measured case, no control characters. Tables go to stdout.
import { fmt } from './format.js';

interface Progress {
  /** The suite now running (prefixes every line). */
  suite(name: string): void;
  /** What the current suite is doing (a terminal shows it; plain output skips it). */
  step(text: string): void;
  /** Cases just measured: one line each. */
  cases(results: readonly { readonly name: string; readonly nsPerOp: number }[]): void;
  /** Clears the live line before other output. */
  clear(): void;
}

const tty = process.stderr.isTTY === true && process.env.CI === undefined;
let current = '';
let shown = false;
let lastDraw = 0;

function draw(text: string, truncate = true): void {
  const reported = process.stderr.columns;
  const cols = reported !== undefined && reported >= 20 ? reported : 100;
  const line = truncate && text.length > cols - 1 ? `${text.slice(0, cols - 2)}…` : text;
  process.stderr.write(`\r\x1b[2K${line}`);
  shown = true;
}

export const progress: Progress = {
  suite(name) {
    current = name;
    if (tty) draw(`[${name}] starting`);
    else process.stderr.write(`[${name}] starting\n`);
  },
  step(text) {
    if (!tty) return;
    const t = Date.now();
    if (t - lastDraw < 50) return;
    lastDraw = t;
    draw(`[${current}] ${text}`);
  },
  cases(results) {
    for (const r of results) {
      const line = `[${current}] ${r.name}: ${fmt(r.nsPerOp)}`;
      if (tty) {
        draw(line, false);
        process.stderr.write('\n');
        shown = false;
      } else {
        process.stderr.write(`${line}\n`);
      }
    }
  },
  clear() {
    if (tty && shown) process.stderr.write('\r\x1b[2K');
    shown = false;
  },
};
