/** What a refresh family records besides its current token: shown in GET /auth/sessions. */
export interface FamilyMeta {
  createdAt: number;
  lastSeenAt: number;
  userAgent: string;
  ip: string;
}

/** A refresh family of a user. Every key of a family carries its user (one Redis Cluster slot). */
export interface FamilyRef {
  userId: string;
  familyId: string;
}

export type RotationResult = 'rotated' | 'reused' | 'unknown';

/**
 * Server-side token state: refresh families (the hash of their one valid refresh token),
 * a per-user index of them, and the access-token denylist. Redis when there is one,
 * memory otherwise.
 */
export abstract class TokenStore {
  /** Records the family for `ttlSeconds`; the user's index then lives at least that long. */
  abstract createFamily(family: FamilyRef, tokenHash: string, meta: FamilyMeta, ttlSeconds: number): Promise<void>;

  /**
   * Atomically swaps the family's token hash from `presentedHash` to `nextHash` and gives
   * family and index `ttlSeconds` more (the index never less than the family).
   * 'reused' when the family exists but holds another hash (an already-rotated token).
   */
  abstract rotate(
    family: FamilyRef,
    presentedHash: string,
    nextHash: string,
    ttlSeconds: number,
  ): Promise<RotationResult>;

  /** Ends the family, and denies its access tokens for `accessTtl` seconds (their longest life). */
  abstract revokeFamily(family: FamilyRef, accessTtlSeconds: number): Promise<void>;

  /** True while the family is live (and so belongs to `family.userId`). */
  abstract hasFamily(family: FamilyRef): Promise<boolean>;

  /** The user's live families (expired ones are pruned from the per-user index). */
  abstract listFamilies(userId: string): Promise<Array<{ familyId: string; meta: FamilyMeta }>>;

  abstract denyAccessToken(userId: string, jti: string, ttlSeconds: number): Promise<void>;

  /** True when the token itself or its whole family was revoked. One round trip. */
  abstract isDenied(userId: string, jti: string, familyId: string): Promise<boolean>;
}
