import type { Server } from 'node:http';
import { Controller, Get, INestApplication, LoggerService, Param } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { freePorts } from '../../test/support/redis-cluster';
import { RedisProcess, serverArgs } from '../../test/support/redis-process';
import { RedisCommandError } from '../redis/redis-errors';
import { HttpErrorsFilter } from './http-errors.filter';

/**
 * The Redis part of HttpErrorsFilter: what a route answers and logs when a Redis call throws.
 * The errors are real ones, from a real replica (READONLY) and a real server running a broken
 * script; the routes rethrow them as a store would.
 */

const errors: Record<string, unknown> = {};

/** Rethrows the error named in the path, as a store whose Redis call failed would. */
@Controller()
class ThrowingController {
  @Get(':name')
  fail(@Param('name') name: string): never {
    throw errors[name];
  }
}

class CapturingLogger implements LoggerService {
  readonly lines: Array<{ level: string; message: string; extra: unknown[] }> = [];
  log(message: string, ...extra: unknown[]) {
    this.lines.push({ level: 'log', message, extra });
  }
  warn(message: string, ...extra: unknown[]) {
    this.lines.push({ level: 'warn', message, extra });
  }
  error(message: string, ...extra: unknown[]) {
    this.lines.push({ level: 'error', message, extra });
  }
}

describe('HttpErrorsFilter and Redis errors', () => {
  let master: RedisProcess;
  let replica: RedisProcess;
  let app: INestApplication;
  const logger = new CapturingLogger();

  beforeAll(async () => {
    const [masterPort, replicaPort] = await freePorts(2);
    master = await RedisProcess.start(masterPort, serverArgs(masterPort));
    replica = await RedisProcess.start(replicaPort, [
      ...serverArgs(replicaPort),
      '--replicaof',
      '127.0.0.1',
      String(masterPort),
    ]);
    const onReplica = new Redis({ port: replicaPort, host: '127.0.0.1' });
    const onMaster = new Redis({ port: masterPort, host: '127.0.0.1' });
    errors.readonly = await onReplica.set('key', 'value').catch((error: unknown) => error);
    errors.script = await onMaster.eval("return redis.call('no-such-command')", 0).catch((error: unknown) => error);
    onReplica.disconnect();
    onMaster.disconnect();

    const moduleRef = await Test.createTestingModule({
      controllers: [ThrowingController],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorsFilter }],
    }).compile();
    app = moduleRef.createNestApplication({ logger });
    await app.init();
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([master?.stop(), replica?.stop()]);
  });

  const linesAfter = async (name: string) => {
    const from = logger.lines.length;
    const res = await request(app.getHttpServer() as Server).get(`/${name}`);
    return { res, lines: logger.lines.slice(from) };
  };

  it('an outage (READONLY from a replica) is a 503 naming redis, with one warn line and its reason', async () => {
    const { res, lines } = await linesAfter('readonly');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ statusCode: 503, message: 'redis is unavailable', error: 'Service Unavailable' });
    expect(lines.map(({ level }) => level)).toEqual(['warn']);
    expect(lines[0].message).toMatch(/^redis is unavailable: ReplyError: READONLY /);
  });

  it('a bug (a script error) is a 500 with the default body, logged at error level with the command and a stack', async () => {
    const { res, lines } = await linesAfter('script');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ statusCode: 500, message: 'Internal server error' });
    // Nest logs the error itself: the logger (pino in the service) writes its message and stack.
    expect(lines.map(({ level }) => level)).toEqual(['error']);
    const logged = lines[0].message as unknown as Error;
    expect(logged).toBeInstanceOf(RedisCommandError);
    expect(logged.message).toMatch(/^Redis command EVAL failed: ERR /);
    expect(logged.stack).toMatch(/^RedisCommandError: Redis command EVAL failed[^\n]*\n\s+at /);
  });
});
