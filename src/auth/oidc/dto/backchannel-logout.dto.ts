import { ApiProperty } from '@nestjs/swagger';
import { IsJWT, IsString, MaxLength } from 'class-validator';

/** The form the provider posts (OpenID Connect Back-Channel Logout 1.0, §2.5). */
export class BackchannelLogoutDto {
  @ApiProperty({ description: "The provider's signed logout token (a JWT)" })
  @IsString()
  @MaxLength(16384)
  @IsJWT()
  logout_token: string;
}
