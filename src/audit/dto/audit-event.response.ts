import { ApiProperty } from '@nestjs/swagger';
import { AUDIT_EVENT_TYPES, AuditDetail, AuditEvent, AuditEventType } from '../domain/audit-event';

/** The `AuditEvent` shape of API.md. */
export class AuditEventResponse {
  @ApiProperty({ example: '665f1c2b9d3e4a0012345678', pattern: '^[0-9a-f]{24}$' })
  id: string;

  @ApiProperty({ type: String, format: 'date-time' })
  at: Date;

  @ApiProperty({ enum: AUDIT_EVENT_TYPES })
  type: AuditEventType;

  @ApiProperty({ type: String, nullable: true, description: 'The account the event is about' })
  userId: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Who acted: the admin for admin actions, else the user' })
  actorId: string | null;

  @ApiProperty({ type: String, nullable: true })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true })
  userAgent: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Facts about the event; never a password, token, cookie or session id',
  })
  detail: AuditDetail;

  /** Copies field by field, so that nothing else an adapter returns reaches the client. */
  static from(event: AuditEvent): AuditEventResponse {
    const response = new AuditEventResponse();
    response.id = event.id;
    response.at = event.at;
    response.type = event.type;
    response.userId = event.userId;
    response.actorId = event.actorId;
    response.ip = event.ip;
    response.userAgent = event.userAgent;
    response.detail = event.detail;
    return response;
  }
}
