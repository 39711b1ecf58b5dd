import mongoose, { Types } from 'mongoose';
import { AUDIT_EVENT_TYPES } from '../../domain/audit-event';
import { toAuditEvent } from './audit-event.mapper';
import { AuditEventLean, AuditEventRecord, AuditEventSchema } from './audit-event.schema';

// A model on a private Mongoose instance: building documents needs no server.
const AuditEventModel = new mongoose.Mongoose().model<AuditEventRecord>('AuditEventSchemaSpec', AuditEventSchema);

describe('AuditEventSchema', () => {
  it('lives in its own collection, without Mongoose timestamps or version key', () => {
    expect(AuditEventSchema.get('collection')).toBe('audit_events');
    expect(AuditEventSchema.path('createdAt')).toBeUndefined();
    expect(AuditEventSchema.path('__v')).toBeUndefined();
  });

  it('declares the userId+at and type+at indexes, and leaves the TTL index to start-up', () => {
    expect(AuditEventSchema.indexes()).toEqual([
      [{ userId: 1, at: -1 }, expect.anything()],
      [{ type: 1, at: -1 }, expect.anything()],
    ]);
  });

  it('accepts exactly the event types of API.md', () => {
    for (const type of AUDIT_EVENT_TYPES) {
      expect(new AuditEventModel({ at: new Date(), type }).validateSync()).toBeUndefined();
    }
    const error = new AuditEventModel({ at: new Date(), type: 'user.deleted' }).validateSync();
    expect(Object.keys(error?.errors ?? {})).toEqual(['type']);
  });

  it('requires at and type, and defaults the rest to null and an empty detail', () => {
    const error = new AuditEventModel({}).validateSync();
    expect(Object.keys(error?.errors ?? {}).sort()).toEqual(['at', 'type']);
    const event = new AuditEventModel({ at: new Date(), type: 'logout' });
    expect(event.toObject({ minimize: false })).toMatchObject({
      userId: null,
      actorId: null,
      ip: null,
      userAgent: null,
      detail: {},
    });
  });

  it('stores ids lower-cased, so that a filter by user finds every spelling', () => {
    const event = new AuditEventModel({ at: new Date(), type: 'logout', userId: 'ABCDEF', actorId: 'ABC' });
    expect(event.userId).toBe('abcdef');
    expect(event.actorId).toBe('abc');
  });
});

describe('toAuditEvent', () => {
  it('maps a document to a domain event with a string id and nothing of Mongo', () => {
    const _id = new Types.ObjectId();
    const at = new Date('2026-01-01T00:00:00Z');
    const record = {
      _id,
      __v: 0,
      at,
      type: 'account.locked',
      userId: 'u',
      actorId: 'a',
      ip: '203.0.113.7',
      userAgent: 'ua',
      detail: { reason: 'x' },
    } as AuditEventLean;

    const event = toAuditEvent(record);

    expect(event).toEqual({
      id: _id.toHexString(),
      at,
      type: 'account.locked',
      userId: 'u',
      actorId: 'a',
      ip: '203.0.113.7',
      userAgent: 'ua',
      detail: { reason: 'x' },
    });
    expect(event).not.toHaveProperty('_id');
    expect(event).not.toHaveProperty('__v');
  });

  it('reads the empty detail Mongoose leaves out (minimize) as {}', () => {
    const doc = new AuditEventModel({ at: new Date(), type: 'logout', detail: {} });
    expect(toAuditEvent(doc.toObject<AuditEventLean>()).detail).toEqual({});
  });
});
