import { DynamicModule, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { AdminModule } from './admin/admin.module';
import { AuditPersistenceModule } from './audit/persistence/audit-persistence.module';
import { AuthModule } from './auth/auth.module';
import { HttpErrorsFilter } from './common/http-errors.filter';
import type { AppConfig } from './config/config.schema';
import { DatabaseModule } from './database/database.module';
import { HealthModule } from './health/health.module';
import { LoggingModule } from './logging/logging.module';
import { PostsPersistenceModule } from './posts/persistence/posts-persistence.module';
import { PostsModule } from './posts/posts.module';
import { RedisModule } from './redis/redis.module';
import { UsersPersistenceModule } from './users/persistence/users-persistence.module';

/**
 * The application for one validated configuration. Which stores and which auth
 * mechanisms exist is decided here, at composition time, from that configuration.
 */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        // Typed access everywhere else: ConfigService<AppConfig, true>.get('session', { infer: true }).
        ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, skipProcessEnv: true, load: [() => config] }),
        LoggingModule.register(config),
        RedisModule.register(config.redis),
        DatabaseModule.register(config),
        // Each port bound once, globally, to the adapter DATA_STORE names.
        UsersPersistenceModule.register(config.dataStore),
        PostsPersistenceModule.register(config.dataStore),
        AuditPersistenceModule.register(config.dataStore),
        AuthModule.forRoot(config),
        PostsModule,
        AdminModule,
        HealthModule.register(config),
      ],
      providers: [{ provide: APP_FILTER, useClass: HttpErrorsFilter }],
    };
  }
}
