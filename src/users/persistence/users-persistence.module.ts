import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema';
import { bindRepository } from '../../database/bind-repository';
import { MemoryUserRepository } from './memory/memory-user.repository';
import { MongoUserRepository } from './mongo/mongo-user.repository';
import { USER_MODEL, UserSchema } from './mongo/user.schema';
import { UserRepository } from './user.repository';

/** Binds the UserRepository port to the adapter DATA_STORE names. */
@Module({})
export class UsersPersistenceModule {
  static register(dataStore: AppConfig['dataStore']): DynamicModule {
    return bindRepository(UsersPersistenceModule, dataStore, {
      port: UserRepository,
      mongo: { adapter: MongoUserRepository, model: USER_MODEL, schema: UserSchema },
      memory: MemoryUserRepository,
    });
  }
}
