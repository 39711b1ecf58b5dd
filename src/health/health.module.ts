import { DynamicModule, Module } from '@nestjs/common';
import { HealthIndicatorFunction, MongooseHealthIndicator, TerminusModule } from '@nestjs/terminus';
import type { AppConfig } from '../config/config.schema';
import { HEALTH_CHECKS, HealthController } from './health.controller';
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
        {
          provide: HEALTH_CHECKS,
          useFactory: (redis: RedisHealthIndicator | undefined, mongo: MongooseHealthIndicator) => {
            const checks: HealthIndicatorFunction[] = [];
            if (redis) checks.push(() => redis.check('redis'));
            if (usesMongo) checks.push(() => mongo.pingCheck('mongo', { timeout: 1500 }));
            return checks;
          },
          inject: [{ token: RedisHealthIndicator, optional: true }, MongooseHealthIndicator],
        },
      ],
    };
  }
}
