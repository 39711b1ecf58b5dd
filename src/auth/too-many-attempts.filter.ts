import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { TooManyLoginAttempts } from './login-throttle';

/** 429 with the Retry-After header (seconds) the client should honour. */
@Catch(TooManyLoginAttempts)
export class TooManyAttemptsFilter implements ExceptionFilter {
  catch(exception: TooManyLoginAttempts, host: ArgumentsHost): void {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(exception.getStatus())
      .setHeader('Retry-After', String(exception.retryAfterSeconds))
      .json(exception.getResponse());
  }
}
