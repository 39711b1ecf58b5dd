import type { ConfigService } from '@nestjs/config';
import { MongoNetworkError } from 'mongodb';
import type { Model } from 'mongoose';
import { StoreUnavailableError } from '../../../common/store-unavailable.error';
import type { AppConfig } from '../../../config/config.schema';
import type { MongoReadiness } from '../../../database/mongo-readiness';
import { AuditEventRecord } from './audit-event.schema';
import { MongoAuditLog } from './mongo-audit-log';

const ID = '665f1c2b9d3e4a0011111111';

/**
 * A stand-in model whose calls fail with `error`: no mongod can run on the CI machines. The real
 * server is exercised by audit-log.contract.spec.ts (with MONGODB_URI).
 */
function failingModel(error: Error): Model<AuditEventRecord> {
  const query = { sort: () => query, limit: () => query, lean: () => query, exec: () => Promise.reject(error) };
  return {
    create: () => Promise.reject(error),
    find: () => query,
    findById: () => query,
    collection: {},
  } as unknown as Model<AuditEventRecord>;
}

function adapter(model: Model<AuditEventRecord>) {
  const tasks: { what: string; run: () => Promise<void> }[] = [];
  const readiness = { afterConnect: (what: string, run: () => Promise<void>) => tasks.push({ what, run }) };
  const config = { get: () => ({ retentionDays: 2 }) } as unknown as ConfigService<AppConfig, true>;
  return { log: new MongoAuditLog(model, readiness as unknown as MongoReadiness, config), tasks };
}

describe('MongoAuditLog', () => {
  it('registers its retention index as a start-up task', () => {
    const { tasks } = adapter(failingModel(new Error('unused')));
    expect(tasks.map((task) => task.what)).toEqual(['audit retention index']);
  });

  describe('when MongoDB is unreachable', () => {
    const { log } = adapter(failingModel(new MongoNetworkError('connection reset')));

    it.each<[string, () => Promise<unknown>]>([
      [
        'append',
        () =>
          log.append({
            at: new Date(),
            type: 'logout',
            userId: ID,
            actorId: ID,
            ip: null,
            userAgent: null,
            detail: {},
          }),
      ],
      ['listNewest', () => log.listNewest({ limit: 20 })],
      ['listNewest with a cursor', () => log.listNewest({ limit: 20, before: ID })],
    ])('%s rejects with StoreUnavailableError("mongo")', async (_name, call) => {
      const error = await call().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error).toMatchObject({ store: 'mongo' });
    });
  });
});
