import { Injectable, Logger } from '@nestjs/common';
import type { Request } from 'express';
import { AuditDetail, AuditEvent, AuditEventType, ListAuditQuery, NewAuditEvent } from './domain/audit-event';
import { AuditLog } from './persistence/audit-log';

/** User agents are free text from the client: keep what identifies a device, no more. */
const MAX_USER_AGENT = 256;

/** Whom an event is about, and who acted (the user themselves unless said otherwise). */
export interface AuditSubject {
  userId: string | null;
  actorId?: string | null;
}

/**
 * Records audit events: one structured log line each (`audit: true`, for a log pipeline), and
 * one entry in the AuditLog. Recording never fails nor delays the request it records: the store
 * write is not awaited, and its failure is logged (the log line already holds the event).
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(private readonly log: AuditLog) {}

  record(type: AuditEventType, req: Request, subject: AuditSubject, detail: AuditDetail = {}): void {
    const event: NewAuditEvent = {
      at: new Date(),
      type,
      // Ids from a URL may be upper-case hex; the trail compares them lower-cased.
      userId: subject.userId?.toLowerCase() ?? null,
      actorId: (subject.actorId === undefined ? subject.userId : subject.actorId)?.toLowerCase() ?? null,
      ip: req.ip ?? null,
      userAgent: req.get('user-agent')?.slice(0, MAX_USER_AGENT) ?? null,
      detail,
    };
    // With the request (its id, method and url, as its request line says them): no header.
    this.logger.log({ audit: true, req, ...event }, type);
    this.log.append(event).catch((error: unknown) => {
      this.logger.error({ audit: true, type, err: error }, 'audit event not stored');
    });
  }

  listNewest(query: ListAuditQuery): Promise<AuditEvent[]> {
    return this.log.listNewest(query);
  }
}
