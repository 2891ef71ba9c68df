import type { EventName } from '@rx-telemetry/core';

/** Span prefix of an HTTP request a `node:http` server received: `http.server.request.start` / `stop` / `exception`. */
export const HTTP_SERVER_SPAN: EventName = Object.freeze(['http', 'server', 'request']);
/** Span prefix of an HTTP request made with `node:http` / `node:https`. */
export const HTTP_CLIENT_SPAN: EventName = Object.freeze(['http', 'client', 'request']);
/** Span prefix of a request made through undici (`fetch`, undici's own clients). */
export const UNDICI_SPAN: EventName = Object.freeze(['undici', 'request']);
/** A client socket was created (`net.connect`, and every connection HTTP clients open). */
export const NET_CLIENT_SOCKET_EVENT: EventName = Object.freeze(['net', 'client', 'socket']);
/** A `worker_threads` Worker was created. */
export const WORKER_CREATED_EVENT: EventName = Object.freeze(['worker_threads', 'created']);
/** A Worker created while the bridge ran has exited. */
export const WORKER_EXITED_EVENT: EventName = Object.freeze(['worker_threads', 'exited']);
/** Requests or spans left untraced because a bound was reached (at most one a second, with the count). */
export const DIAGNOSTICS_DROPPED_EVENT: EventName = Object.freeze(['telemetry', 'diagnostics', 'dropped']);
/** A subscriber of the bridge failed on a message (a hostile object, a throwing `route` option); at most once a second. */
export const DIAGNOSTICS_FAILURE_EVENT: EventName = Object.freeze(['telemetry', 'diagnostics', 'failure']);
/** A server accepted a connection (`net.server.socket`). */
export const NET_SERVER_SOCKET_EVENT: EventName = Object.freeze(['net', 'server', 'socket']);
