export { bridgeSpans, DEFAULT_ORPHAN_TIMEOUT_MS, type BridgeSpansOptions, type SpanBridge } from './bridge-spans.js';
export { SEMANTIC_ATTRIBUTES } from './attributes.js';
