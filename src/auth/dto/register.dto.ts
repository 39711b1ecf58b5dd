import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length } from 'class-validator';
import { IsWellFormedText, trim } from '../../common/text.validators';
import { CredentialsDto } from './credentials.dto';

export class RegisterDto extends CredentialsDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Ann', description: 'Display name; null when absent' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @IsWellFormedText()
  name?: string;
}
