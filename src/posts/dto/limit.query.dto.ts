import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { ToNumber } from './query-number.transform';

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** `limit`, as every listing takes it (posts, and the admin's users and audit events). */
export class LimitQueryDto {
  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @ToNumber()
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit: number = DEFAULT_LIMIT;
}
