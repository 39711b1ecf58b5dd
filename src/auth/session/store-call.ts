import { asStoreError } from '../../database/mongo-errors';
import { toRedisError } from '../../redis/redis-errors';

/**
 * A session store's failure, classified as the adapters classify theirs: an outage of Redis
 * or MongoDB becomes a StoreUnavailableError (503); anything else stays what it is (a bug: 500).
 */
export function asSessionStoreError(error: unknown): Error {
  const classified = asStoreError(toRedisError(error));
  return classified instanceof Error ? classified : new Error(String(classified));
}

/** Runs a callback-style session store operation; its failure is classified (asSessionStoreError). */
export function storeCall(operation: (done: (error?: unknown) => void) => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    operation((error) => (error ? reject(asSessionStoreError(error)) : resolve()));
  });
}
