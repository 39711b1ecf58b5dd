import { Inject, Injectable } from '@nestjs/common';
import { RedisClient } from '../../redis/redis.client';
import { redisCall } from '../../redis/redis-errors';
import { REDIS } from '../../redis/redis.module';
import { OidcTicketStore } from './oidc-ticket.store';

/** Tickets in Redis: SET EX (NX) to store, GETDEL to take (single use across every instance). */
@Injectable()
export class RedisOidcTicketStore extends OidcTicketStore {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {
    super();
  }

  async put(key: string, value: string, ttlSeconds: number): Promise<void> {
    await redisCall(() => this.redis.set(key, value, 'EX', ttlSeconds));
  }

  async putNew(key: string, value: string, ttlSeconds: number): Promise<boolean> {
    return (await redisCall(() => this.redis.set(key, value, 'EX', ttlSeconds, 'NX'))) === 'OK';
  }

  take(key: string): Promise<string | null> {
    return redisCall(() => this.redis.getdel(key));
  }
}
