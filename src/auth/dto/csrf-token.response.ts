import { ApiProperty } from '@nestjs/swagger';

export class CsrfTokenResponse {
  @ApiProperty({ description: 'Send back as the X-CSRF-Token header on cookie-authenticated POST, PATCH, PUT, DELETE' })
  csrfToken: string;
}
