/** What travels between a worker and its primary (structured-clone safe). Tagged so other messages pass by. */
export type ClusterMessage =
  | { readonly rxTelemetry: 'join'; readonly encoded: string }
  | { readonly rxTelemetry: 'collect'; readonly id: number }
  | { readonly rxTelemetry: 'state'; readonly id: number; readonly encoded: string }
  | { readonly rxTelemetry: 'leave'; readonly encoded: string };

export function isClusterMessage(m: unknown): m is ClusterMessage {
  return typeof m === 'object' && m !== null && typeof (m as { rxTelemetry?: unknown }).rxTelemetry === 'string';
}
