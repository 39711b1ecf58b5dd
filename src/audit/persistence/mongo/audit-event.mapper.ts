import { AuditEvent } from '../../domain/audit-event';
import { AuditEventLean } from './audit-event.schema';

/** The one place an audit event's `_id` becomes the domain's string id. */
export function toAuditEvent(record: AuditEventLean): AuditEvent {
  return {
    id: record._id.toString(),
    at: record.at,
    type: record.type,
    userId: record.userId ?? null,
    actorId: record.actorId ?? null,
    ip: record.ip ?? null,
    userAgent: record.userAgent ?? null,
    detail: record.detail ?? {},
  };
}
