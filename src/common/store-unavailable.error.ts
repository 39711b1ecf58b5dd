/**
 * A store the answer needs cannot be reached: an outage, not a bug. Thrown where it happens
 * (the adapters), answered in one place (HttpErrorsFilter) as 503 `${store} is unavailable`.
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
