import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { AppConfig } from '../config/config.schema';

const REQUEST_ID = /^[\w.-]{1,64}$/;

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
 * Structured JSON logs with a request id (the caller's X-Request-Id when well-formed).
 * Requests are logged as method, url and id only: headers, and so cookies and tokens,
 * never reach a log; the redact list is a second line of defence. In development on a
 * terminal the same records are pretty-printed (usePrettyLogs).
 */
@Module({})
export class LoggingModule {
  static register(config: AppConfig): DynamicModule {
    const pretty = usePrettyLogs(config.nodeEnv, process.stdout.isTTY) ? prettyStream() : undefined;
    const options: Options = {
      level: config.logLevel,
      genReqId: (req: IncomingMessage, res: ServerResponse) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      // Our serializers get the raw request and response: pino-http's wrappers would first copy
      // every header into a new object on each request, for these to keep three fields of it.
      wrapSerializers: false,
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
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
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: pretty ? [options, pretty] : options })],
    };
  }
}
