import type { Role } from '../users/domain/user';

/** How a request proved who it is; decides, among other things, whether CSRF applies. */
export type CredentialKind = 'cookie' | 'bearer';

/** The caller of a protected route, independent of how it authenticated. */
export interface AuthenticatedUser {
  id: string;
  credential: CredentialKind;
  /** As the credential carries them (the cookie session record, the access token's claim): no lookup. */
  roles: Role[];
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    // Passport declares an empty `User`; this is what every guard puts on req.user.
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface User extends AuthenticatedUser {}
  }
}
