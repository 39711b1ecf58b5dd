import { Injectable } from '@nestjs/common';
import { ObjectId } from 'bson';
import { AuditEvent, ListAuditQuery, NewAuditEvent } from '../../domain/audit-event';
import { AuditLog } from '../audit-log';

/**
 * Process-local audit trail for development and tests; behaves like the Mongo adapter (without
 * its retention: the process does not live that long). Methods are not `async` because nothing
 * here awaits (eslint's require-await).
 */
@Injectable()
export class MemoryAuditLog extends AuditLog {
  private readonly events: AuditEvent[] = [];

  append(input: NewAuditEvent): Promise<AuditEvent> {
    const event = copy({ ...input, id: new ObjectId().toHexString() });
    this.events.push(event);
    return Promise.resolve(copy(event));
  }

  listNewest({ userId, type, limit, before }: ListAuditQuery): Promise<AuditEvent[]> {
    const newest = [...this.events].sort(newestFirst);
    let older = newest;
    if (before !== undefined) {
      const index = newest.findIndex((event) => event.id === before.toLowerCase());
      older = index < 0 ? [] : newest.slice(index + 1);
    }
    const wanted = userId?.toLowerCase();
    const page = older
      .filter(
        (event) => (wanted === undefined || event.userId === wanted) && (type === undefined || event.type === type),
      )
      .slice(0, limit);
    return Promise.resolve(page.map(copy));
  }
}

function newestFirst(a: AuditEvent, b: AuditEvent): number {
  return b.at.getTime() - a.at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Callers get copies, so mutating a returned object never changes the store. */
function copy(event: AuditEvent): AuditEvent {
  return { ...event, at: new Date(event.at), detail: structuredClone(event.detail) };
}
