import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '../../config/config.schema';
import { bindRepository } from '../../database/bind-repository';
import { AuditLog } from './audit-log';
import { MemoryAuditLog } from './memory/memory-audit-log';
import { MongoAuditLog } from './mongo/mongo-audit-log';
import { AUDIT_EVENT_MODEL, AuditEventSchema } from './mongo/audit-event.schema';

/** Binds the AuditLog port to the adapter DATA_STORE names. */
@Module({})
export class AuditPersistenceModule {
  static register(dataStore: AppConfig['dataStore']): DynamicModule {
    return bindRepository(AuditPersistenceModule, dataStore, {
      port: AuditLog,
      mongo: { adapter: MongoAuditLog, model: AUDIT_EVENT_MODEL, schema: AuditEventSchema },
      memory: MemoryAuditLog,
    });
  }
}
