import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import mongoose, { HydratedDocument, Types } from 'mongoose';
import { AUDIT_EVENT_TYPES, AuditDetail, AuditEventType } from '../../domain/audit-event';

/** Model name for forFeature / @InjectModel; the collection is named explicitly below. */
export const AUDIT_EVENT_MODEL = 'AuditEvent';

/**
 * One audit event. No `timestamps`: `at` is the event's own time, set by AuditService. The TTL
 * index on `at` is not declared here, because its lifetime comes from AUDIT_RETENTION_DAYS and an
 * index declared with another lifetime would stop start-up: ensureTtlIndex (audit-ttl-index.ts)
 * builds or adjusts it once MongoDB is connected.
 */
@Schema({ collection: 'audit_events', versionKey: false })
export class AuditEventRecord {
  @Prop({ type: Date, required: true })
  at: Date;

  @Prop({ type: String, enum: AUDIT_EVENT_TYPES, required: true })
  type: AuditEventType;

  // Strings, not ObjectIds: a failed login's unknown user is null, and ids are only compared.
  @Prop({ type: String, default: null, lowercase: true })
  userId: string | null;

  @Prop({ type: String, default: null, lowercase: true })
  actorId: string | null;

  @Prop({ type: String, default: null })
  ip: string | null;

  @Prop({ type: String, default: null })
  userAgent: string | null;

  @Prop({ type: mongoose.Schema.Types.Mixed, default: () => ({}) })
  detail: AuditDetail;
}

export const AuditEventSchema = SchemaFactory.createForClass(AuditEventRecord);
// The two questions GET /admin/audit asks: one user's events, or one type's, newest first.
AuditEventSchema.index({ userId: 1, at: -1 });
AuditEventSchema.index({ type: 1, at: -1 });

export type AuditEventRecordDocument = HydratedDocument<AuditEventRecord>;

/** What `.lean()` and `.toObject()` return for an audit event. */
export type AuditEventLean = AuditEventRecord & { _id: Types.ObjectId };
