import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsMongoId, IsOptional, IsString, MaxLength } from 'class-validator';
import { HasNoInvisibleCharacters, nfkc, trim } from '../../common/text.validators';
import { LimitQueryDto } from '../../posts/dto/limit.query.dto';

/** `GET /admin/users?email=&limit=&before=`. */
export class ListUsersQueryDto extends LimitQueryDto {
  @ApiPropertyOptional({ description: 'Only the account with this email (compared as login compares it)' })
  @IsOptional()
  @Transform(({ value }) => trim({ value: nfkc({ value }) }))
  @IsString()
  @MaxLength(254)
  @HasNoInvisibleCharacters()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({
    description: 'Id of the last user of the previous page; this page holds older accounts',
    pattern: '^[0-9a-fA-F]{24}$',
  })
  @IsOptional()
  @IsMongoId()
  before?: string;
}
