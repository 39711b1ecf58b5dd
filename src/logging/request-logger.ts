import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';

const REQUEST_ID = /^[\w.-]{1,64}$/;

/** What the request line and every other line about a request say of it: never a header. */
export interface LoggedRequest {
  id: string;
  method: string;
  url: string;
}

/** A request as this middleware leaves it: with its id. */
export type RequestWithId = IncomingMessage & { id?: string; originalUrl?: string };

/**
 * Where HttpErrorsFilter leaves an error that became a 500, for the request line to carry
 * (as pino-http's `res.err`): the error's own line has no request id.
 */
export const RESPONSE_ERROR = Symbol('response error');

/**
 * One JSON line per request when its response is done: id, method, url, status and duration
 * (`request completed`; `request errored` with the error for a 5xx). The id is the caller's
 * X-Request-Id when well-formed, else a new UUID, and goes back in the X-Request-Id header.
 *
 * Our own rather than pino-http through nestjs-pino: that pair built a child logger per
 * request (serialising and redacting its bindings) and ran every request inside an
 * AsyncLocalStorage, which makes every promise of the process pay an async hook; together a
 * third of this service's CPU per response even with LOG_LEVEL=silent (bench/README.md,
 * issue 13). The lines that belong to a request (audit events) pass it explicitly.
 */
export class RequestLogger {
  constructor(private readonly logger: Logger) {}

  readonly middleware = (req: RequestWithId, res: ServerResponse, next: () => void): void => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.id = id;
    res.setHeader('X-Request-Id', id);
    if (this.logger.isLevelEnabled('info')) {
      const started = performance.now();
      // 'close' comes once a response is sent, or when the client went away before it was.
      res.once('close', () => this.logLine(req, res, Math.round(performance.now() - started)));
    }
    next();
  };

  private logLine(req: RequestWithId, res: ServerResponse & { [RESPONSE_ERROR]?: unknown }, responseTime: number) {
    const record = { req: loggedRequest(req), res: { statusCode: res.statusCode }, responseTime };
    if (res.statusCode >= 500) {
      this.logger.info({ ...record, err: res[RESPONSE_ERROR] }, 'request errored');
    } else {
      this.logger.info(record, 'request completed');
    }
  }
}

export function loggedRequest(req: RequestWithId): LoggedRequest {
  return { id: req.id ?? '', method: req.method ?? '', url: req.originalUrl ?? req.url ?? '' };
}
