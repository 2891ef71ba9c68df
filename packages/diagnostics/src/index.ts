// The public API of @rx-telemetry/diagnostics. Every name here is listed in README.md's API section.
export { bridgeDiagnostics, type DiagnosticsBridge } from './bridge-diagnostics.js';
export type { DiagnosticsOptions } from './options.js';
export type { RouteOf } from './server-requests.js';
export { publishSpans, DEFAULT_SPAN_CHANNEL, type SpanPublisher, type SpanPublisherOptions } from './publish-spans.js';
export { SpanMessage } from './span-message.js';
export {
  HTTP_SERVER_SPAN,
  HTTP_CLIENT_SPAN,
  UNDICI_SPAN,
  NET_CLIENT_SOCKET_EVENT,
  NET_SERVER_SOCKET_EVENT,
  WORKER_CREATED_EVENT,
  WORKER_EXITED_EVENT,
  DIAGNOSTICS_DROPPED_EVENT,
  DIAGNOSTICS_FAILURE_EVENT,
} from './events.js';
