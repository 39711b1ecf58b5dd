import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, HttpException, Logger, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { toRedisError } from '../redis/redis-errors';
import { StoreUnavailableError } from './store-unavailable.error';

/** Error names the MongoDB driver and Mongoose use when the server cannot be reached. */
const MONGO_UNAVAILABLE = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongooseServerSelectionError',
]);

/**
 * Errors that are not Nest exceptions but still have a proper answer: a store that is down
 * is an outage, not a bug (503 naming the store, so clients retry and operators know where
 * to look), and body-parser's refusals are the client's (4xx in NestJS's shape). Everything
 * else keeps Nest's default handling.
 */
@Catch()
export class HttpErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HttpErrorsFilter');

  override catch(exception: unknown, host: ArgumentsHost): void {
    const refused = exception instanceof HttpException ? null : asClientError(exception);
    if (refused) return super.catch(refused, host);
    // A Redis error becomes an outage (StoreUnavailableError) or a RedisCommandError naming the
    // command, which Nest logs at error level with its stack (500).
    const error = exception instanceof HttpException ? exception : toRedisError(exception);
    const store = error instanceof HttpException ? null : this.unavailableStore(error);
    if (store) this.logger.warn(`${store} is unavailable: ${reasonOf(error)}`);
    super.catch(store ? new ServiceUnavailableException(`${store} is unavailable`) : error, host);
  }

  private unavailableStore(exception: unknown): 'redis' | 'mongo' | null {
    if (exception instanceof StoreUnavailableError) return exception.store;
    if (!(exception instanceof Error)) return null;
    if (MONGO_UNAVAILABLE.has(exception.name) || /buffering timed out/.test(exception.message)) return 'mongo';
    return null;
  }
}

/**
 * body-parser's refusals (413 too large, 415 charset or encoding, 400 bad gzip) are
 * http-errors, which Nest answers without `error` and logs as unexpected: give them
 * NestJS's error shape, like every other 4xx.
 */
function asClientError(exception: unknown): HttpException | null {
  if (!(exception instanceof Error)) return null;
  const { status, expose } = exception as Error & { status?: unknown; expose?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return null;
  const error = STATUS_CODES[status] ?? 'Client Error';
  return new HttpException({ statusCode: status, message: exception.message, error }, status);
}

/** What went wrong with the store, for the warning: the driver's message (it holds no secrets). */
function reasonOf(error: unknown): string {
  const cause = error instanceof StoreUnavailableError ? error.cause : error;
  return cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
}
