/** A session or refresh family, by its handle (as GET /auth/sessions names it), and whose it is. */
export interface SsoLogin {
  userId: string;
  handle: string;
}

/**
 * Which sessions and families single sign-on issued, by provider session (`sid`) and by user:
 * what the provider's back-channel logout must end. Entries outlive nothing they point to by
 * much (`ttlSeconds`: the longest a session or family can live); a handle that has ended since
 * is simply not found when the logout comes.
 */
export abstract class SsoLogins {
  /** Records the handles one SSO login issued; `providerSession` is null when the provider sent no `sid`. */
  abstract record(userId: string, providerSession: string | null, handles: string[], ttlSeconds: number): Promise<void>;

  /** What the provider session logged in, then forgotten. */
  abstract takeByProviderSession(providerSession: string): Promise<SsoLogin[]>;

  /** Every SSO login of the user, then forgotten. */
  abstract takeByUser(userId: string): Promise<SsoLogin[]>;
}
