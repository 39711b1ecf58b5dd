/**
 * Reference `bare` (issue 13): a bare NestJS 11 app on Express, the yardstick every variant's
 * "ratio to bare" divides by. The measured routes with their fixed JSON (common.ts), and nothing
 * else: no middleware, no guard, no pipe, no logger per request. `bodyParser: false` because no
 * measured route reads a body, and Nest's default JSON and urlencoded parsers would be two
 * middleware on every request.
 */
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { failed, HealthController, measuredRoutes, portFromEnv } from './common';

@Module({ controllers: [HealthController, measuredRoutes()] })
class BareModule {}

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  await app.listen(portFromEnv(), '127.0.0.1');
}

bootstrap().catch(failed('bare reference'));
