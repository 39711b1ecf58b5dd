/**
 * A store (Redis, MongoDB) cannot serve the request right now: an outage, not a bug.
 * Thrown where the store's client is used; HttpErrorsFilter answers 503 naming the store.
 */
export class StoreUnavailableError extends Error {
  constructor(
    readonly store: 'redis' | 'mongo',
    options?: { cause?: unknown },
  ) {
    super(`${store} is unavailable`, options);
    this.name = 'StoreUnavailableError';
  }
}
