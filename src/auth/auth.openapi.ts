import type { DocumentBuilder } from '@nestjs/swagger';
import type { AppConfig } from '../config/config.schema';

/** The OpenAPI security schemes of this deployment's AUTH_STRATEGY, required on every route. */
export function addAuthSchemes(builder: DocumentBuilder, config: AppConfig): DocumentBuilder {
  if (config.authStrategy !== 'session') {
    builder
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addSecurityRequirements('bearer');
  }
  if (config.authStrategy !== 'jwt') {
    builder
      .addCookieAuth(
        config.session.cookieName,
        { type: 'apiKey', in: 'cookie', name: config.session.cookieName },
        'cookie',
      )
      .addSecurityRequirements('cookie');
  }
  return builder;
}
