/** What a refresh family records besides its current token: shown in GET /auth/sessions. */
export interface FamilyMeta {
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  userAgent: string;
  ip: string;
}

export type RotationResult = 'rotated' | 'reused' | 'unknown';

/**
 * Server-side token state: refresh families (the hash of their one valid refresh token)
 * and the access-token denylist. Redis when REDIS_URL is set, memory otherwise.
 */
export abstract class TokenStore {
  abstract createFamily(familyId: string, tokenHash: string, meta: FamilyMeta, ttlSeconds: number): Promise<void>;

  /**
   * Atomically swaps the family's token hash from `presentedHash` to `nextHash`.
   * 'reused' when the family exists but holds another hash (an already-rotated token).
   */
  abstract rotate(
    familyId: string,
    presentedHash: string,
    nextHash: string,
    ttlSeconds: number,
  ): Promise<RotationResult>;

  /** Ends the family, and denies its access tokens for `accessTtl` seconds (their longest life). */
  abstract revokeFamily(familyId: string, accessTtlSeconds: number): Promise<void>;

  abstract familyOwner(familyId: string): Promise<string | null>;

  /** The user's live families (expired ones are pruned from the per-user index). */
  abstract listFamilies(userId: string): Promise<Array<{ familyId: string; meta: FamilyMeta }>>;

  abstract denyAccessToken(jti: string, ttlSeconds: number): Promise<void>;

  /** True when the token itself or its whole family was revoked. One round trip. */
  abstract isDenied(jti: string, familyId: string): Promise<boolean>;
}
