/**
 * Every Redis key the service writes, named in one place. Keys that are read or written
 * together (in one MULTI, MGET, pipeline or script) carry the same hash tag, `{u:<userId>}`,
 * so that a Redis Cluster keeps them in one slot.
 */

const user = (userId: string) => `{u:${userId}}`;

/** express-session records, by session id (connect-redis adds the id). */
export const SESSION_PREFIX = 'sess:';

export const redisKeys = {
  /** Hash: handle → indexed cookie session of the user (not under `sess:`, which connect-redis scans as sessions). */
  sessionIndex: (userId: string) => `sessidx:${user(userId)}`,
  /** Hash: one refresh-token family (its current token's hash and what GET /auth/sessions shows). */
  refreshFamily: (userId: string, familyId: string) => `rt:${user(userId)}:fam:${familyId}`,
  /** Set: the ids of the user's refresh families; lives at least as long as the longest of them. */
  refreshFamilies: (userId: string) => `rt:${user(userId)}:fams`,
  /** Denylist entries, checked together on every bearer request (one MGET). */
  deniedAccessToken: (userId: string, jti: string) => `deny:${user(userId)}:jti:${jti}`,
  deniedFamily: (userId: string, familyId: string) => `deny:${user(userId)}:fam:${familyId}`,
  /** String: one pending SSO login (PKCE verifier, nonce, returnTo) by a hash of its `state`; taken with GETDEL. */
  oidcState: (stateHash: string) => `oidc:state:${stateHash}`,
  /** String: a token pair waiting for its front end, by a hash of the one-time code; taken with GETDEL. */
  oidcCode: (codeHash: string) => `oidc:code:${codeHash}`,
  /** String: the `jti` of a logout token already acted on, for as long as such a token is accepted. */
  oidcLogoutToken: (jti: string) => `oidc:jti:${jti}`,
  /** Hash: handle → user id of every session and family one provider session (its `sid`) logged in. */
  oidcProviderSession: (sessionHash: string) => `oidc:sid:${sessionHash}`,
  /** Set: the handles of the user's sessions and families that came from single sign-on. */
  oidcUserLogins: (userId: string) => `oidc:logins:${user(userId)}`,
} as const;

/** rate-limiter-flexible key prefixes: one key per counted email or IP. */
export const limiterPrefixes = {
  loginEmail: 'login:email',
  loginIp: 'login:ip',
  registerIp: 'register:ip',
} as const;
