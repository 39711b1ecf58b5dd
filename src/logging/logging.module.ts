import { createRequire } from 'node:module';
import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream, type LoggerOptions } from 'pino';
import type { AppConfig } from '../config/config.schema';
import { loggedRequest, RequestLogger, type RequestWithId } from './request-logger';

/**
 * Human-readable logs only for a person watching a development server in a terminal; JSON
 * lines everywhere else (production, tests, anything that reads stdout through a pipe).
 */
export function usePrettyLogs(nodeEnv: AppConfig['nodeEnv'], stdoutIsTTY: boolean | undefined): boolean {
  return nodeEnv === 'development' && stdoutIsTTY === true;
}

/**
 * pino-pretty as a stream in this thread (synchronous, so lines keep their order with
 * stderr), or undefined where it is not installed: it is a dev dependency, absent from the
 * production image.
 */
function prettyStream(): DestinationStream | undefined {
  try {
    const pretty = createRequire(__filename)('pino-pretty') as typeof import('pino-pretty');
    return pretty({
      sync: true,
      colorize: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
      singleLine: true,
    });
  } catch {
    return undefined;
  }
}

/**
 * Structured JSON logs, one pino logger per application: Nest's own lines through
 * nestjs-pino's Logger, and one line per request from RequestLogger (with a request id, the
 * caller's X-Request-Id when well-formed). Requests are logged as method, url and id only:
 * headers, and so cookies and tokens, never reach a log; the redact list is a second line of
 * defence. In development on a terminal the same records are pretty-printed (usePrettyLogs).
 */
@Module({})
export class LoggingModule implements NestModule {
  constructor(@Inject(RequestLogger) private readonly requests: RequestLogger) {}

  static register(config: AppConfig): DynamicModule {
    const pretty = usePrettyLogs(config.nodeEnv, process.stdout.isTTY) ? prettyStream() : undefined;
    const options: LoggerOptions = {
      level: config.logLevel,
      serializers: {
        // A request on a line other than its own (an audit event) is said as the request line says it.
        req: (req: RequestWithId) => loggedRequest(req),
      },
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'res.headers["set-cookie"]',
          '*.password',
          '*.currentPassword',
          '*.newPassword',
          '*.accessToken',
          '*.refreshToken',
        ],
        censor: '[redacted]',
      },
    };
    const logger = pretty ? pino(options, pretty) : pino(options);
    return {
      module: LoggingModule,
      // nestjs-pino for Nest's own lines, without its per-request middleware (forRoutes: none):
      // RequestLogger writes the request lines (see there why).
      imports: [LoggerModule.forRoot({ pinoHttp: { logger }, forRoutes: [] })],
      providers: [{ provide: RequestLogger, useValue: new RequestLogger(logger) }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.requests.middleware).forRoutes('{*splat}');
  }
}
