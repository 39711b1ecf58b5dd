import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * On SIGTERM or SIGINT: answer every response with `Connection: close` (keep-alive clients
 * go away), give requests already on the wire `graceMs` to be read, then stop accepting,
 * finish the requests in flight normally, close the stores and exit 0. If draining takes
 * longer than `timeoutMs`, cut the remaining connections and exit 1: the orchestrator
 * should know that some requests were lost.
 *
 * The grace matters under load: closing at once would reset connections whose request
 * has arrived but not yet been read, since Node counts them as idle.
 */
export function enableGracefulShutdown(
  app: NestExpressApplication,
  log: (message: string) => void,
  { graceMs = 500, timeoutMs = 10_000 } = {},
): void {
  let closing = false;
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (closing) res.setHeader('Connection', 'close');
    next();
  });

  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log(`${signal} received: draining connections`);
    const server = app.getHttpServer();
    const deadline = setTimeout(() => {
      log(`still draining after ${timeoutMs} ms: closing the remaining connections`);
      server.closeAllConnections();
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    setTimeout(() => {
      app.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    }, graceMs);
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
