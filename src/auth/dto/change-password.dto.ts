import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length } from 'class-validator';
import { nfkc } from '../../common/text.validators';

export class ChangePasswordDto {
  @ApiProperty({ description: 'NFKC-normalised' })
  @Transform(nfkc)
  @IsString()
  @Length(1, 128)
  currentPassword: string;

  @ApiProperty({ minLength: 8, maxLength: 128, description: 'NFKC-normalised' })
  @Transform(nfkc)
  @IsString()
  @Length(8, 128)
  newPassword: string;
}
