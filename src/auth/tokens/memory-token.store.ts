import { Injectable } from '@nestjs/common';
import { FamilyMeta, FamilyRef, RotationResult, TokenStore } from './token.store';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

interface StoredFamily extends FamilyMeta {
  userId: string;
  hash: string;
}

/**
 * Single-process token state for development and tests without Redis. Each method runs
 * without awaiting in between, so it is atomic like its Redis counterpart.
 */
@Injectable()
export class MemoryTokenStore extends TokenStore {
  private readonly families = new Map<string, Expiring<StoredFamily>>();
  private readonly denied = new Map<string, Expiring<true>>();

  async createFamily({ userId, familyId }: FamilyRef, tokenHash: string, meta: FamilyMeta, ttl: number): Promise<void> {
    this.families.set(familyId, { value: { ...meta, userId, hash: tokenHash }, expiresAt: expiry(ttl) });
  }

  async rotate(family: FamilyRef, presentedHash: string, nextHash: string, ttl: number): Promise<RotationResult> {
    const stored = this.live(family);
    if (!stored) return 'unknown';
    if (stored.hash !== presentedHash) return 'reused';
    this.families.set(family.familyId, {
      value: { ...stored, hash: nextHash, lastSeenAt: Date.now() },
      expiresAt: expiry(ttl),
    });
    return 'rotated';
  }

  async revokeFamily(family: FamilyRef, accessTtlSeconds: number): Promise<void> {
    if (this.live(family)) this.families.delete(family.familyId);
    this.denied.set(`fam:${family.userId}:${family.familyId}`, { value: true, expiresAt: expiry(accessTtlSeconds) });
  }

  async hasFamily(family: FamilyRef): Promise<boolean> {
    return this.live(family) !== undefined;
  }

  async listFamilies(userId: string): Promise<Array<{ familyId: string; meta: FamilyMeta }>> {
    return [...this.families.keys()].flatMap((familyId) => {
      const family = this.live({ userId, familyId });
      if (!family) return [];
      const { createdAt, lastSeenAt, userAgent, ip } = family;
      return [{ familyId, meta: { createdAt, lastSeenAt, userAgent, ip } }];
    });
  }

  async denyAccessToken(userId: string, jti: string, ttlSeconds: number): Promise<void> {
    this.denied.set(`jti:${userId}:${jti}`, { value: true, expiresAt: expiry(ttlSeconds) });
  }

  async isDenied(userId: string, jti: string, familyId: string): Promise<boolean> {
    return Boolean(live(this.denied, `jti:${userId}:${jti}`) ?? live(this.denied, `fam:${userId}:${familyId}`));
  }

  /** The family when it is live and the user's. */
  private live({ userId, familyId }: FamilyRef): StoredFamily | undefined {
    const family = live(this.families, familyId);
    return family?.userId === userId ? family : undefined;
  }
}

function expiry(ttlSeconds: number): number {
  return Date.now() + ttlSeconds * 1000;
}

function live<T>(map: Map<string, Expiring<T>>, key: string): T | undefined {
  const entry = map.get(key);
  if (!entry) return undefined;
  if (entry.expiresAt > Date.now()) return entry.value;
  map.delete(key);
  return undefined;
}
