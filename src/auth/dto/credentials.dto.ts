import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { HasNoInvisibleCharacters, nfkc, trim } from '../../common/text.validators';

/** Email and password, as register and login take them. */
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
