import { Telemetry } from '@rx-telemetry/core';
import type { Listening, ListenOptions } from './listen-options.js';
import type { Format } from './render.js';
import { CONNECTION_CLOSED_EVENT, ROUTE_FAILURE_EVENT, SCRAPE_EVENT } from './events.js';
import { serve } from './server.js';

/**
 * Serves GET /metrics from an exposition made per scrape — a cluster primary's merge of its
 * workers, say — under every rule of `reporter.listen()` (token, /health, routes, bounds). Each
 * scrape is a `['telemetry','prometheus','scrape']` span on `telemetry`; a `scrape` that throws
 * or rejects answers 500. The caller owns the server: `close()` it when done.
 */
export async function serveMetrics(telemetry: Telemetry, scrape: (format: Format) => string | Promise<string>, options: ListenOptions = {}): Promise<Listening> {
  if (!(telemetry instanceof Telemetry)) throw new TypeError('serveMetrics: the first argument must be the Telemetry bus');
  if (typeof scrape !== 'function') throw new TypeError('serveMetrics: scrape must be a function (format) => string | Promise<string>');
  return serve(
    (format) =>
      telemetry.span(SCRAPE_EVENT, { format }, async (scope) => {
        const body = await scrape(format);
        scope.measure({ bytes: body.length });
        return body;
      }),
    options,
    {
      onClosed: (reason, socket) => telemetry.emit(CONNECTION_CLOSED_EVENT, {}, { reason, remoteAddress: socket.remoteAddress ?? '' }),
      onRouteFailure: (path, error) => telemetry.emit(ROUTE_FAILURE_EVENT, {}, { path, error }),
    },
  );
}
