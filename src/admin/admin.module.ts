import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { UsersModule } from '../users/users.module';
import { AdminController } from './admin.controller';
import { AdminService } from './admin.service';

/**
 * The /admin routes, all @Roles('admin'). AuthService comes from AuthModule (global), so that
 * ending a user's sessions goes through the mechanisms of the mode, as the user's own logout-all does.
 */
@Module({
  imports: [UsersModule, AuditModule],
  controllers: [AdminController],
  providers: [AdminService],
})
export class AdminModule {}
