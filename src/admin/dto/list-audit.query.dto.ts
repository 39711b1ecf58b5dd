import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsMongoId, IsOptional } from 'class-validator';
import { AUDIT_EVENT_TYPES, AuditEventType } from '../../audit/domain/audit-event';
import { LimitQueryDto } from '../../posts/dto/limit.query.dto';

/** `GET /admin/audit?userId=&type=&limit=&before=`. */
export class ListAuditQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ description: 'Only events about this account', pattern: '^[0-9a-fA-F]{24}$' })
  @IsOptional()
  @IsMongoId()
  userId?: string;

  @ApiPropertyOptional({ enum: AUDIT_EVENT_TYPES })
  @IsOptional()
  @IsIn(AUDIT_EVENT_TYPES)
  type?: AuditEventType;

  @ApiPropertyOptional({
    description: 'Id of the last event of the previous page; this page holds older events',
    pattern: '^[0-9a-fA-F]{24}$',
  })
  @IsOptional()
  @IsMongoId()
  before?: string;
}
