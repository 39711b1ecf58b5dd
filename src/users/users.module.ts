import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../config/config.schema';
import { UsersPersistenceModule } from './persistence/users-persistence.module';
import { UsersService } from './users.service';

type DataStore = AppConfig['dataStore'];

/**
 * Accounts, whatever stores them. Import as `UsersModule.register(config.dataStore)`
 * wherever UsersService is needed; every import shares one store.
 */
@Module({})
export class UsersModule {
  private static readonly registered = new Map<DataStore, DynamicModule>();

  static register(dataStore: DataStore): DynamicModule {
    let module = this.registered.get(dataStore);
    if (!module) {
      module = {
        module: UsersModule,
        imports: [UsersPersistenceModule.register(dataStore)],
        providers: [UsersService],
        exports: [UsersService],
      };
      this.registered.set(dataStore, module);
    }
    return module;
  }
}
