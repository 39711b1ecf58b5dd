import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class OidcTokenDto {
  @ApiProperty({
    description: 'The one-time code from the `#code=` fragment of the SSO redirect; works once, for 60 s',
  })
  @IsString()
  @Length(1, 256)
  code: string;
}
