import { ApiProperty } from '@nestjs/swagger';

/** One of the caller's sessions: a cookie session or a refresh-token family. */
export class SessionResponse {
  @ApiProperty({ description: 'A handle for DELETE /auth/sessions/:id; never a session id or a token' })
  id: string;

  @ApiProperty({ enum: ['cookie', 'refresh'] })
  kind: 'cookie' | 'refresh';

  @ApiProperty({ type: String, format: 'date-time' })
  createdAt: string;

  @ApiProperty({ type: String, format: 'date-time' })
  lastSeenAt: string;

  @ApiProperty()
  userAgent: string;

  @ApiProperty()
  ip: string;

  @ApiProperty({ description: 'True for the session this request authenticated with' })
  current: boolean;
}
