/** Thrown by `attach`/`attachMany` when a handler with the same id is already attached. */
export class HandlerExistsError extends Error {
  readonly code = 'ERR_HANDLER_EXISTS' as const;
  constructor(readonly handlerId: string) {
    super(`a handler with id ${JSON.stringify(handlerId)} is already attached`);
    this.name = 'HandlerExistsError';
  }
}
