import { STATUS_CODES } from 'node:http';
import { ArgumentsHost, Catch, HttpException, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import type Redis from 'ioredis';
import { BEARER_CHALLENGE, bearerChallenge } from '../auth/bearer-challenge';
import { isMongoUnavailable } from '../database/mongo-errors';
import { REDIS } from '../redis/redis.module';
import { RetryLaterException } from './retry-later.exception';
import { StoreUnavailableError } from './store-unavailable.error';

/** Messages ioredis rejects with when it cannot reach Redis (offline queue disabled). */
const REDIS_UNAVAILABLE =
  /Stream isn't writeable|Connection is closed|Command timed out|Reached the max retries|ECONNREFUSED|ECONNRESET/;

/**
 * Errors that are not Nest exceptions but still have a proper answer: a store that is down
 * is an outage, not a bug (503 naming the store, so clients retry and operators know where
 * to look), and body-parser's refusals are the client's (4xx in NestJS's shape). Everything
 * else keeps Nest's default handling. The headers some answers need go on here: Retry-After
 * (429, 503) and, in token modes, the bearer challenge of every 401.
 */
@Catch()
export class HttpErrorsFilter extends BaseExceptionFilter {
  constructor(
    @Optional() @Inject(REDIS) private readonly redis?: Redis,
    @Optional() @Inject(BEARER_CHALLENGE) private readonly challengesBearer = false,
  ) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const answer = this.asHttpException(exception);
    const res = host.switchToHttp().getResponse<Response>();
    if (answer instanceof RetryLaterException) res.setHeader('Retry-After', String(answer.retryAfterSeconds));
    if (answer?.getStatus() === 401 && this.challengesBearer)
      res.setHeader('WWW-Authenticate', bearerChallenge(answer));
    super.catch(answer ?? exception, host);
  }

  /** What to answer, or null to leave it to Nest (a 500, logged). */
  private asHttpException(exception: unknown): HttpException | null {
    if (exception instanceof HttpException) return exception;
    const refused = asClientError(exception);
    if (refused) return refused;
    const store = this.unavailableStore(exception);
    return store ? new ServiceUnavailableException(`${store} is unavailable`) : null;
  }

  private unavailableStore(exception: unknown): 'redis' | 'mongo' | null {
    if (exception instanceof StoreUnavailableError) return exception.store;
    if (isMongoUnavailable(exception)) return 'mongo';
    if (!(exception instanceof Error)) return null;
    if (exception.name === 'MaxRetriesPerRequestError' || REDIS_UNAVAILABLE.test(exception.message)) return 'redis';
    if (this.redis && this.redis.status !== 'ready') return 'redis';
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
