import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectModel } from '@nestjs/mongoose';
import { FilterQuery, Model } from 'mongoose';
import type { AppConfig } from '../../../config/config.schema';
import { mongoCall } from '../../../database/mongo-errors';
import { MongoReadiness } from '../../../database/mongo-readiness';
import { isObjectIdHex } from '../../../database/object-id';
import { AuditEvent, ListAuditQuery, NewAuditEvent } from '../../domain/audit-event';
import { AuditLog } from '../audit-log';
import { toAuditEvent } from './audit-event.mapper';
import { AUDIT_EVENT_MODEL, AuditEventLean, AuditEventRecord } from './audit-event.schema';
import { ensureTtlIndex } from './audit-ttl-index';

const SECONDS_PER_DAY = 86_400;

/** Adapter of AuditLog on MongoDB (collection `audit_events`); an outage comes out as StoreUnavailableError('mongo'). */
@Injectable()
export class MongoAuditLog extends AuditLog {
  constructor(
    @InjectModel(AUDIT_EVENT_MODEL) private readonly events: Model<AuditEventRecord>,
    readiness: MongoReadiness,
    config: ConfigService<AppConfig, true>,
  ) {
    super();
    const { retentionDays } = config.get('audit', { infer: true });
    // Start-up fails with one line if the retention index cannot be built, like the other indexes.
    readiness.afterConnect('audit retention index', () =>
      ensureTtlIndex(this.events.collection, retentionDays * SECONDS_PER_DAY),
    );
  }

  async append(event: NewAuditEvent): Promise<AuditEvent> {
    const created = await mongoCall(() => this.events.create(event));
    return toAuditEvent(created.toObject<AuditEventLean>());
  }

  async listNewest({ userId, type, limit, before }: ListAuditQuery): Promise<AuditEvent[]> {
    const filter: FilterQuery<AuditEventRecord> = {};
    if (userId !== undefined) filter.userId = userId.toLowerCase();
    if (type !== undefined) filter.type = type;
    if (before !== undefined) {
      if (!isObjectIdHex(before)) return [];
      const cursor = await mongoCall(() =>
        this.events.findById(before, { at: 1 }).lean<Pick<AuditEventLean, '_id' | 'at'>>().exec(),
      );
      if (!cursor) return [];
      // Ties on `at` are broken by id, the second key of the sort.
      filter.$or = [{ at: { $lt: cursor.at } }, { at: cursor.at, _id: { $lt: cursor._id } }];
    }
    const records = await mongoCall(() =>
      this.events.find(filter).sort({ at: -1, _id: -1 }).limit(limit).lean<AuditEventLean[]>().exec(),
    );
    return records.map(toAuditEvent);
  }
}
