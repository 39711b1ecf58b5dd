import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/**
 * On SIGTERM or SIGINT: stop accepting connections, answer the requests in flight
 * normally (with `Connection: close`, so keep-alive clients go away), close the stores,
 * exit 0. If draining takes longer than `timeoutMs`, cut the remaining connections and
 * exit 1: the orchestrator should know that some requests were lost.
 */
export function enableGracefulShutdown(
  app: NestExpressApplication,
  log: (message: string) => void,
  timeoutMs = 10_000,
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
    server.closeIdleConnections();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
