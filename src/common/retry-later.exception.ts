import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/**
 * A 429 (a limit is spent) or 503 (the service is saturated) that tells the client when to
 * come back: HttpErrorsFilter sends `retryAfterSeconds` as the Retry-After header.
 */
export class RetryLaterException extends HttpException {
  constructor(
    status: 429 | 503,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super({ statusCode: status, message, error: STATUS_CODES[status] }, status);
  }
}
