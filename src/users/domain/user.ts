/** A registered account as the application sees it, whatever store holds it. */
export interface User {
  id: string;
  /** NFKC, trimmed and lower-cased: the one spelling every comparison uses. */
  email: string;
  name: string | null;
  passwordHash: string;
  createdAt: Date;
  updatedAt: Date;
}

export type NewUser = Pick<User, 'email' | 'name' | 'passwordHash'>;

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
