import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsMongoId, IsOptional } from 'class-validator';
import { LimitQueryDto } from './limit.query.dto';

export class ListPostsQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({
    description: 'Id of the last post of the previous page; this page holds older posts',
    pattern: '^[0-9a-fA-F]{24}$',
  })
  @IsOptional()
  @IsMongoId()
  before?: string;
}
