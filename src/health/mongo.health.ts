import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { Connection } from 'mongoose';

/** How long /health waits for MongoDB's answer: well under a load balancer's probe timeout. */
export const MONGO_PING_TIMEOUT_MS = 2000;

/**
 * Asks MongoDB (a `ping` round trip) rather than reading the connection's state, which on
 * sharded and load-balanced topologies never leaves "connected". A failure names the store
 * and nothing else: the driver's text (hosts, topology) is for the logs, not a public route.
 */
@Injectable()
export class MongoHealthIndicator {
  constructor(
    @InjectConnection() private readonly connection: Connection,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async ping(key: 'mongo', timeoutMs = MONGO_PING_TIMEOUT_MS): Promise<HealthIndicatorResult<'mongo'>> {
    const indicator = this.indicators.check(key);
    try {
      await withTimeout(() => this.connection.db!.admin().ping(), timeoutMs);
      return indicator.up();
    } catch {
      return indicator.down({ message: 'mongo is unavailable' });
    }
  }
}

/** `operation()`, or a rejection once `timeoutMs` has passed (the operation's late outcome is ignored). */
function withTimeout<T>(operation: () => Promise<T>, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    Promise.resolve()
      .then(operation)
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}
