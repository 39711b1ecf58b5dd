import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/**
 * The audit trail: AuditService over the AuditLog port, which AuditPersistenceModule (imported
 * once, by AppModule) binds from DATA_STORE.
 */
@Module({
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
