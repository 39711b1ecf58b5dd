import { Injectable } from '@nestjs/common';
import { FamilyMeta, RotationResult, TokenStore } from './token.store';

interface Expiring<T> {
  value: T;
  expiresAt: number;
}

/** Single-process token state for development and tests without Redis. */
@Injectable()
export class MemoryTokenStore extends TokenStore {
  private readonly families = new Map<string, Expiring<FamilyMeta & { hash: string }>>();
  private readonly denied = new Map<string, Expiring<true>>();

  async createFamily(familyId: string, tokenHash: string, meta: FamilyMeta, ttlSeconds: number): Promise<void> {
    this.families.set(familyId, { value: { ...meta, hash: tokenHash }, expiresAt: expiry(ttlSeconds) });
  }

  async rotate(familyId: string, presentedHash: string, nextHash: string, ttlSeconds: number): Promise<RotationResult> {
    const family = live(this.families, familyId);
    if (!family) return 'unknown';
    if (family.hash !== presentedHash) return 'reused';
    this.families.set(familyId, {
      value: { ...family, hash: nextHash, lastSeenAt: Date.now() },
      expiresAt: expiry(ttlSeconds),
    });
    return 'rotated';
  }

  async revokeFamily(familyId: string, accessTtlSeconds: number): Promise<void> {
    this.families.delete(familyId);
    this.denied.set(`fam:${familyId}`, { value: true, expiresAt: expiry(accessTtlSeconds) });
  }

  async familyOwner(familyId: string): Promise<string | null> {
    return live(this.families, familyId)?.userId ?? null;
  }

  async listFamilies(userId: string): Promise<Array<{ familyId: string; meta: FamilyMeta }>> {
    return [...this.families.keys()]
      .map((familyId) => ({ familyId, family: live(this.families, familyId) }))
      .filter(({ family }) => family?.userId === userId)
      .map(({ familyId, family }) => ({ familyId, meta: withoutHash(family!) }));
  }

  async denyAccessToken(jti: string, ttlSeconds: number): Promise<void> {
    this.denied.set(`jti:${jti}`, { value: true, expiresAt: expiry(ttlSeconds) });
  }

  async isDenied(jti: string, familyId: string): Promise<boolean> {
    return Boolean(live(this.denied, `jti:${jti}`) ?? live(this.denied, `fam:${familyId}`));
  }
}

function withoutHash(family: FamilyMeta & { hash: string }): FamilyMeta {
  const { userId, createdAt, lastSeenAt, userAgent, ip } = family;
  return { userId, createdAt, lastSeenAt, userAgent, ip };
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
