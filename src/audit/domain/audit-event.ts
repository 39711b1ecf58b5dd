/** Every kind of event the audit trail records (API.md's `AuditEvent.type`). */
export const AUDIT_EVENT_TYPES = [
  'user.registered',
  'login.succeeded',
  'login.failed',
  'login.throttled',
  'logout',
  'session.ended',
  'sessions.ended_all',
  'password.changed',
  'refresh.reuse_detected',
  'account.locked',
  'account.unlocked',
  'roles.changed',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

/**
 * Plain facts about an event (a reason, an email that failed to log in, roles before and after):
 * never a password, token, cookie or session id.
 */
export type AuditDetail = Record<string, string | string[] | null>;

/** Who did what to which account, when, from where. */
export interface AuditEvent {
  id: string;
  at: Date;
  type: AuditEventType;
  /** The account the event is about; null for a failed login with an unknown email. */
  userId: string | null;
  /** Who acted: the admin for admin actions, the user otherwise (null when nobody is known). */
  actorId: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: AuditDetail;
}

export type NewAuditEvent = Omit<AuditEvent, 'id'>;

/** One page of the audit trail: newest first, older than the event `before`, filtered by user and type. */
export interface ListAuditQuery {
  userId?: string;
  type?: AuditEventType;
  limit: number;
  before?: string;
}
