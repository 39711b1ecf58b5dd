import { AuditEvent, ListAuditQuery, NewAuditEvent } from '../domain/audit-event';

/**
 * The port AuditService writes through, bound to the Mongo or the memory adapter by
 * AuditPersistenceModule from DATA_STORE. Ids are 24-character hex strings.
 */
export abstract class AuditLog {
  abstract append(event: NewAuditEvent): Promise<AuditEvent>;
  /**
   * Newest first (by `at`, then by id), strictly older than the event `before`; an
   * unknown `before` (never issued, or already expired) gives an empty page.
   */
  abstract listNewest(query: ListAuditQuery): Promise<AuditEvent[]>;
}
