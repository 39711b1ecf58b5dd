import { ServiceUnavailableException } from '@nestjs/common';

/** Runs a callback-style session store operation; a store failure is an outage (503). */
export function storeCall(operation: (done: (error?: unknown) => void) => unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    operation((error) => (error ? reject(new ServiceUnavailableException('Session store is unavailable')) : resolve()));
  });
}
