import { Injectable, Logger, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { BaseClient, Issuer } from 'openid-client';
import type { AppConfig } from '../../config/config.schema';

export const PROVIDER_DOWN = 'The identity provider is unavailable; try again later';

/**
 * The provider's metadata and keys (discovery) and the client registered there. Discovery
 * starts with the application but never holds it up: a provider that is down at boot makes
 * the SSO routes answer 503, the rest of the service runs, and the next SSO request tries
 * again. Once discovered, openid-client refreshes the provider's keys by itself.
 */
@Injectable()
export class OidcIssuer implements OnModuleInit {
  private readonly logger = new Logger('OIDC');
  private discovery?: Promise<BaseClient>;

  constructor(private readonly config: ConfigService<AppConfig, true>) {}

  onModuleInit(): void {
    this.client().catch(() => undefined); // logged in client(); the routes will say 503
  }

  /** @throws 503 while the provider cannot be discovered. */
  async client(): Promise<BaseClient> {
    this.discovery ??= this.discover();
    try {
      return await this.discovery;
    } catch (error) {
      this.discovery = undefined; // the next request tries again
      this.logger.warn(`Discovery of the identity provider failed: ${(error as Error).message}`);
      throw new ServiceUnavailableException(PROVIDER_DOWN);
    }
  }

  private async discover(): Promise<BaseClient> {
    const oidc = this.config.get('oidc', { infer: true })!;
    const issuer = await Issuer.discover(oidc.issuerUrl);
    return new issuer.Client({
      client_id: oidc.clientId,
      client_secret: oidc.clientSecret,
      redirect_uris: [oidc.redirectUri],
      response_types: ['code'],
      // A public client (no secret: development) proves itself with PKCE alone.
      token_endpoint_auth_method: oidc.clientSecret ? 'client_secret_basic' : 'none',
    });
  }
}
