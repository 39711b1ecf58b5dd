import { STATUS_CODES } from 'node:http';
import {
  ArgumentsHost,
  Catch,
  HttpException,
  Inject,
  Logger,
  Optional,
  ServiceUnavailableException,
} from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';
import { BEARER_CHALLENGE, bearerChallenge } from '../auth/bearer-challenge';
import { isMongoUnavailable } from '../database/mongo-errors';
import { RESPONSE_ERROR } from '../logging/request-logger';
import { toRedisError } from '../redis/redis-errors';
import { RetryLaterException } from './retry-later.exception';
import { StoreUnavailableError } from './store-unavailable.error';

/**
 * Errors mapped to HTTP in one place. A store that is down is an outage, not a bug: 503 naming
 * the store (StoreUnavailableError, or a driver error classified as one), logged at warn, so
 * clients retry and operators know where to look. body-parser's refusals are the client's (4xx
 * in NestJS's shape). Anything else is a bug: Nest answers 500 and logs it at error level with
 * its stack (a Redis command error names the command). The headers some answers need go on
 * here: Retry-After (429, 503) and, in token modes, the bearer challenge of every 401.
 */
@Catch()
export class HttpErrorsFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('HttpErrorsFilter');

  constructor(@Optional() @Inject(BEARER_CHALLENGE) private readonly challengesBearer = false) {
    super();
  }

  override catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const answer = this.answerFor(exception);
    const res = http.getResponse<Response & { [RESPONSE_ERROR]?: unknown }>();
    // A bug: Nest logs it (without the request), the request line carries it with the request id.
    if (!(answer instanceof HttpException)) res[RESPONSE_ERROR] = answer;
    if (answer instanceof RetryLaterException) res.setHeader('Retry-After', String(answer.retryAfterSeconds));
    if (answer instanceof HttpException && answer.getStatus() === 401 && this.challengesBearer) {
      res.setHeader('WWW-Authenticate', bearerChallenge(answer));
    }
    super.catch(answer, host);
  }

  /** The HttpException to answer, or the error itself (a bug: Nest's 500, logged). */
  private answerFor(exception: unknown): unknown {
    if (exception instanceof HttpException) return exception;
    const refused = asClientError(exception);
    if (refused) return refused;
    const error = toRedisError(exception);
    const store = unavailableStore(error);
    if (!store) return error;
    this.logger.warn(`${store} is unavailable: ${reasonOf(error)}`);
    return new ServiceUnavailableException(`${store} is unavailable`);
  }
}

function unavailableStore(error: unknown): 'redis' | 'mongo' | null {
  if (error instanceof StoreUnavailableError) return error.store;
  return isMongoUnavailable(error) ? 'mongo' : null;
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
