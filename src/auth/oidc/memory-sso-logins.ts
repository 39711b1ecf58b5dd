import { Injectable } from '@nestjs/common';
import { SsoLogin, SsoLogins } from './sso-logins';

/** Development and tests without Redis: in process memory, entries dropped when ended or expired. */
@Injectable()
export class MemorySsoLogins extends SsoLogins {
  private readonly logins: (SsoLogin & { providerSession: string | null; expiresAt: number })[] = [];

  record(userId: string, providerSession: string | null, handles: string[], ttlSeconds: number): Promise<void> {
    const now = Date.now();
    this.remove((login) => login.expiresAt <= now);
    for (const handle of handles) {
      this.logins.push({ userId, handle, providerSession, expiresAt: now + ttlSeconds * 1000 });
    }
    return Promise.resolve();
  }

  takeByProviderSession(providerSession: string): Promise<SsoLogin[]> {
    return Promise.resolve(this.remove((login) => login.providerSession === providerSession));
  }

  takeByUser(userId: string): Promise<SsoLogin[]> {
    return Promise.resolve(this.remove((login) => login.userId === userId));
  }

  private remove(
    matches: (login: SsoLogin & { expiresAt: number; providerSession: string | null }) => boolean,
  ): SsoLogin[] {
    const taken: SsoLogin[] = [];
    for (let i = this.logins.length - 1; i >= 0; i -= 1) {
      if (!matches(this.logins[i])) continue;
      const [{ userId, handle }] = this.logins.splice(i, 1);
      taken.push({ userId, handle });
    }
    return taken;
  }
}
