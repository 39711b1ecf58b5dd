import { Injectable } from '@nestjs/common';
import { OidcTicketStore } from './oidc-ticket.store';

/** Development and tests without Redis: one process, so a Map is atomic enough. */
@Injectable()
export class MemoryOidcTicketStore extends OidcTicketStore {
  private readonly tickets = new Map<string, { value: string; expiresAt: number }>();

  put(key: string, value: string, ttlSeconds: number): Promise<void> {
    const now = Date.now();
    // Abandoned logins never get taken: drop the expired ones as new ones arrive.
    for (const [stored, ticket] of this.tickets) if (ticket.expiresAt <= now) this.tickets.delete(stored);
    this.tickets.set(key, { value, expiresAt: now + ttlSeconds * 1000 });
    return Promise.resolve();
  }

  async putNew(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    const existing = this.tickets.get(key);
    if (existing && existing.expiresAt > Date.now()) return false;
    await this.put(key, value, ttlSeconds);
    return true;
  }

  take(key: string): Promise<string | null> {
    const ticket = this.tickets.get(key);
    this.tickets.delete(key);
    return Promise.resolve(ticket && ticket.expiresAt > Date.now() ? ticket.value : null);
  }
}
