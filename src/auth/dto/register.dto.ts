import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEmail, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { HasNoInvisibleCharacters, IsWellFormedText, nfkc } from '../../common/text.validators';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

export class CredentialsDto {
  @ApiProperty({
    example: 'ann@example.com',
    description: 'Trimmed, NFKC-normalised, compared case-insensitively; no invisible or control characters',
  })
  @Transform(({ value }) => trim({ value: nfkc({ value }) }))
  @IsString()
  @MaxLength(254)
  @HasNoInvisibleCharacters()
  @IsEmail()
  email: string;

  @ApiProperty({ minLength: 8, maxLength: 128, example: 'correct horse battery', description: 'NFKC-normalised' })
  @Transform(nfkc)
  @IsString()
  @Length(8, 128)
  password: string;
}

export class RegisterDto extends CredentialsDto {
  @ApiPropertyOptional({ maxLength: 100, example: 'Ann', description: 'Display name; null when absent' })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @Length(1, 100)
  @IsWellFormedText()
  name?: string;
}

export class LoginDto extends CredentialsDto {}
