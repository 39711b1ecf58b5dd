import { DynamicModule, Module } from '@nestjs/common';
import { HealthIndicatorFunction, TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from '../config/config.schema';
import { HEALTH_CHECKS, HealthController } from './health.controller';
import { MongoHealthIndicator } from './mongo.health';
import { RedisHealthIndicator } from './redis.health';

@Module({})
export class HealthModule {
  /** Checks exactly the stores this deployment uses. */
  static register(config: AppConfig): DynamicModule {
    const usesRedis = config.redis !== undefined;
    const usesMongo = config.dataStore === 'mongo' || config.sessionStore === 'mongo';
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
      controllers: [HealthController],
      providers: [
        ...(usesRedis ? [RedisHealthIndicator] : []),
        ...(usesMongo ? [MongoHealthIndicator] : []),
        {
          provide: HEALTH_CHECKS,
          useFactory: (redis?: RedisHealthIndicator, mongo?: MongoHealthIndicator) => {
            const checks: HealthIndicatorFunction[] = [];
            if (redis) checks.push(() => redis.check('redis'));
            if (mongo) checks.push(() => mongo.ping('mongo'));
            return checks;
          },
          inject: [
            { token: RedisHealthIndicator, optional: true },
            { token: MongoHealthIndicator, optional: true },
          ],
        },
      ],
    };
  }
}
