/** A registered account as the application sees it, whatever store holds it. */
export interface User {
  id: string;
  /** NFKC, trimmed and lower-cased: the one spelling every comparison uses. */
  email: string;
  name: string | null;
  /** null for an account created by single sign-on: it has no password to log in with. */
  passwordHash: string | null;
  /** The provider accounts that log in as this user (single sign-on). */
  identities: LinkedIdentity[];
  /** Always holds `user`; `admin` opens the /admin routes. */
  roles: Role[];
  /** Set while an admin has locked the account: it cannot log in. */
  lockedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Every role there is; the order is the one a user's `roles` are stored and shown in. */
export const ROLES = ['user', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const DEFAULT_ROLES: Role[] = ['user'];

/** An account at an OpenID provider: `sub` is unique only within its issuer. */
export interface LinkedIdentity {
  issuer: string;
  subject: string;
}

export type NewUser = Pick<User, 'email' | 'name' | 'passwordHash'> & {
  roles?: Role[];
  identities?: LinkedIdentity[];
};

/** One page of the admin's user listing: newest first, older than `before`, one email only if given. */
export interface ListUsersQuery {
  email?: string;
  limit: number;
  before?: string;
}

/** `user` always, each role once, in the order of ROLES. */
export function normalizeRoles(roles: readonly string[]): Role[] {
  return ROLES.filter((role) => role === 'user' || roles.includes(role));
}

/** Thrown by a UserRepository when the email already belongs to an account. */
export class EmailTakenError extends Error {
  constructor() {
    super('Email is already registered');
    this.name = 'EmailTakenError';
  }
}

/** NFKC, trim and lower-case: `Ａnn@X.io ` and `ann@x.io` are one account. */
export function normalizeEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

/** Thrown by a UserRepository when the provider account already logs in as another user. */
export class IdentityTakenError extends Error {
  constructor() {
    super('This identity is already linked to another account');
    this.name = 'IdentityTakenError';
  }
}
