/** A delivery that failed after every attempt; the message is already redacted. */
export class DeliveryError extends Error {
  readonly code = 'ERR_ALERT_DELIVERY' as const;
  constructor(
    message: string,
    readonly attempts: number,
    /** The last HTTP status, when the peer answered. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}
