import { Module } from '@nestjs/common';
import { UsersService } from './users.service';

/**
 * Accounts, whatever stores them: UsersService over the UserRepository port, which
 * UsersPersistenceModule (imported once, by AppModule) binds from DATA_STORE.
 */
@Module({
  providers: [UsersService],
  exports: [UsersService],
})
export class UsersModule {}
