import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type { AppConfig } from '../../config/config.schema';
import { MemoryUserRepository } from './memory/memory-user.repository';
import { MongoUserRepository } from './mongo/mongo-user.repository';
import { USER_MODEL, UserSchema } from './mongo/user.schema';
import { UserRepository } from './user.repository';

type DataStore = AppConfig['dataStore'];

/** Binds the UserRepository port to the adapter DATA_STORE names. */
@Module({})
export class UsersPersistenceModule {
  // One module object per store: importing it twice must not create two memory stores.
  private static readonly registered = new Map<DataStore, DynamicModule>();

  static register(dataStore: DataStore): DynamicModule {
    let module = this.registered.get(dataStore);
    if (!module) {
      module = dataStore === 'mongo' ? mongo() : memory();
      this.registered.set(dataStore, module);
    }
    return module;
  }
}

function mongo(): DynamicModule {
  return {
    module: UsersPersistenceModule,
    imports: [MongooseModule.forFeature([{ name: USER_MODEL, schema: UserSchema }])],
    providers: [{ provide: UserRepository, useClass: MongoUserRepository }],
    exports: [UserRepository],
  };
}

function memory(): DynamicModule {
  return {
    module: UsersPersistenceModule,
    providers: [{ provide: UserRepository, useClass: MemoryUserRepository }],
    exports: [UserRepository],
  };
}
