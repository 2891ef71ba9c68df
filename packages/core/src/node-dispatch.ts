import { codeGeneration } from './codegen.js';
import type { EventName, Measurements, Metadata } from './event-name.js';
import type { EventNode, HandlerEntry, NodeCode, StreamEntry } from './event-node.js';

/** What a node's code calls off its fast path: the bus's failure handling, the shared loop and streams. */
export interface DispatchHost {
  /** A handler returned something: a thenable's rejection becomes a failure. */
  observe(result: unknown, entry: HandlerEntry, node: EventNode): void;
  /** `entry` threw: report it, then run the handlers after it (each in its own try) and the streams. */
  recover(handlers: readonly HandlerEntry[], entry: HandlerEntry, error: unknown, node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata): void;
  /** Runs the handlers past the written-out ones, each in its own try. */
  rest(handlers: readonly HandlerEntry[], node: EventNode, name: EventName, measurements: Measurements, metadata: Metadata): void;
  deliver(streams: readonly StreamEntry[], name: EventName, measurements: Measurements, metadata: Metadata): void;
}

/**
 * Dispatch codes one bus compiles; a handle made past these emits through the shared loop.
 * Bounds what a bus compiles (~3 KB and ~50 µs each) when handles are made for many names whose
 * handlers differ (names whose handlers are the same share one code, see NodeCompiler).
 */
export const MAX_CODES = 256;

/** Handler calls written out per node; the handlers past these run in the host's shared loop. */
export const UNROLLED = 4;

// The handlers' calls, then the streams. `hs` is the array read when dispatch began (copy-on-write:
// an attach or detach during dispatch replaces node.handlers and never disturbs this one). One try
// around the written-out calls, the rest in shared functions, keep the function small enough for
// V8 to inline into an emit (388 bytes of bytecode; a try per call made it 590, past V8's 460).
function body(): string {
  let calls = '';
  for (let k = UNROLLED - 1; k >= 0; k--) {
    calls = `if (n > ${k}) {
h = hs[${k}]; r = h.handler(name, m, md, h.config);
if (r !== undefined) observe(r, h, node);${calls}
}`;
  }
  return `const hs = node.handlers, n = hs.length;
let h, r;
try {
${calls}
} catch (e) {
return recover(hs, h, e, node, name, m, md);
}
if (n > ${UNROLLED}) rest(hs, node, name, m, md);
const ss = node.streams;
if (ss.length !== 0) deliver(ss, name, m, md);`;
}

const BODY = body();
const PARAMS = ['empty', 'observe', 'recover', 'rest', 'deliver'];
type Make = (node: EventNode) => NodeCode;
type Build = (empty: Metadata, ...host: DispatchHost[keyof DispatchHost][]) => Make;
let compiled = 0;

/**
 * Makes the code that runs a node's handlers and streams, for handles (`emit`, with the `active`
 * check) and for the bus (`dispatch`). Written with `new Function`, because V8 keeps call
 * feedback per function, and closures made from one function literal share it: a dispatch loop
 * shared by every event sees every handler of the process at its one call site (megamorphic),
 * so no handler is ever inlined into an emit. Code of its own sees only its node's handlers:
 * each of its first UNROLLED call sites stays monomorphic and V8 inlines the handler into the
 * emit, as it does in a process with one handler. (A call site whose handler changes later, after
 * a detach before it, sees two targets and calls without inlining, as the shared loop always did.)
 *
 * Nodes whose handlers, when their first handle is made, are the same functions (by source: the
 * closures of one literal share V8's feedback too) get closures of one compiled code: their call
 * sites see the same handlers, so sharing keeps them monomorphic, and a call site rotating over
 * such handles sees one function literal, which V8 still inlines. Code per node instead made a
 * site rotating over 1,000 handles with one handler 4.8x slower (137 vs 25 ns, paired): every
 * node's code warmed up on its own and the call into it was megamorphic; shared, such a site
 * costs 1.2-1.5x the shared loop (+2-6 ns: the closure's context is loaded where the method read
 * a field). A node with no handler yet gets code of its own (handles made before the handlers
 * are attached). A handle holds ~270 bytes with its closures (56 before), a code ~3 KB.
 *
 * Measured in the bench's realistic suite (issue 11: every package loaded, an aggregator with ten
 * definitions, a reporter, a logger and 20 (later 22) unrelated handlers on 200 names), realistic
 * process / clean process, paired batch for batch, before → after: emit to 1 handler (handle)
 * 2.24x (9.66 / 4.24 ns) → 0.99x (3.66 / 3.65 ns); event -> distribution 1.78x (134 / 56 ns) →
 * 1.02x (48.5 / 45.8 ns); event -> counter 2.10x (43.5 / 18.8 ns) → 1.00x (25.6 / 20.3 ns); later
 * runs at load 4-8 gave 0.92-1.00x, 0.88-1.08x and 1.03-1.43x (noisy batches; the realistic
 * floors equal the clean ones). In a clean process, paired in one process against the shared
 * loop: a handle with 1 handler 0.92x, with 3 handlers 0.32x; a handle nobody listens to
 * +0.1-0.3 ns (1.02 → 1.17-1.23 ns, as many instructions: a field load and a target check
 * instead of two loads and a map check; alone in a process, old and new alike run at 1.0-1.4 or
 * at 2.3 ns, depending on the process). UNROLLED = 2 inlined
 * nothing more than 4 on the distribution path.
 *
 * Each source carries a node's name and a sequence number: profiles show which event a frame
 * dispatches, and no source cache could hand two codes one function and its feedback (Node 20
 * makes a new one per call anyway). Where code generation from strings is disallowed
 * (`--disallow-code-generation-from-strings`, a CSP), compile() gives nothing and every handle
 * emits through the shared loop: correct, just without the per-node feedback.
 */
export class NodeCompiler {
  readonly #host: DispatchHost;
  readonly #empty: Metadata;
  readonly #bySignature = new Map<string, Make>();
  #codes = 0;

  constructor(host: DispatchHost, empty: Metadata) {
    this.#host = host;
    this.#empty = empty;
  }

  /** The node's code: shared with the nodes that had the same handlers, or new; undefined past MAX_CODES. */
  compile(node: EventNode): NodeCode | undefined {
    const key = signature(node.handlers);
    let make = key === undefined ? undefined : this.#bySignature.get(key);
    if (make === undefined) {
      if (this.#codes >= MAX_CODES || !codeGeneration()) return undefined;
      const made = build(node.name);
      if (made === undefined) return undefined;
      const host = this.#host;
      make = made(this.#empty, host.observe, host.recover, host.rest, host.deliver);
      this.#codes++;
      if (key !== undefined) this.#bySignature.set(key, make);
    }
    return make(node);
  }
}

// The written-out handlers' sources; undefined (code of its own) with none or with one whose
// source cannot be read (a Proxy).
function signature(handlers: readonly HandlerEntry[]): string | undefined {
  if (handlers.length === 0) return undefined;
  try {
    return handlers
      .slice(0, UNROLLED)
      .map((h) => Function.prototype.toString.call(h.handler))
      .join('\u0000');
  } catch {
    return undefined;
  }
}

// One code: `make(node)` gives a node its closures (the host's functions live one context up,
// shared by the nodes of the code: a handle holds ~270 bytes instead of ~310).
function build(name: EventName): Build | undefined {
  const label = `${name.map((s) => s.replace(/[^A-Za-z0-9_]/g, '_')).join('_').slice(0, 60)}_${++compiled}`;
  const source = `"use strict";
return function make(node) {
function dispatch_${label}(name, m, md) {
${BODY}
}
return {
dispatch: dispatch_${label},
emit: function emit_${label}(m, md) { if (node.active) dispatch_${label}(node.name, m, md === undefined ? empty : md); },
};
};`;
  return new Function(...PARAMS, source) as Build;
}
