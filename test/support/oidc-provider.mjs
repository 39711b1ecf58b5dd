/**
 * A real OpenID Provider for the SSO specs (test/oidc.e2e-spec.ts), run as a child process:
 * oidc-provider is ESM-only and Jest here loads CommonJS only. Started by OidcTestProvider
 * (oidc-test-provider.ts), configured by environment variables:
 *
 *   OP_PORT    the port to listen on (the issuer is http://127.0.0.1:<OP_PORT>)
 *   OP_CLIENTS the registered clients, a JSON array (client_id, client_secret, redirect_uris,
 *              post_logout_redirect_uris, backchannel_logout_uri, backchannel_logout_session_required)
 *
 * Its development login form (devInteractions) accepts any login name as the account id, and
 * the claims of that account come from the name, so that each spec controls them:
 * `ann@example.com` is that email, verified; `ann@example.com#unverified` the same email,
 * unverified (another account: another sub); any other `#suffix` makes another verified
 * account with the same email. Writes `ready <issuer>` on stdout once it listens.
 */
import Provider from 'oidc-provider';

const port = Number(process.env.OP_PORT);
const clients = JSON.parse(process.env.OP_CLIENTS);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    backchannel_logout_session_required: true,
    ...client,
  })),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // Names the account after its login name; the email and whether it is verified, as above.
  findAccount: (_ctx, accountId) => ({
    accountId,
    claims: () => {
      const [email, ...flags] = accountId.split('#');
      return { sub: accountId, email, email_verified: !flags.includes('unverified'), name: `Test ${email}` };
    },
  }),
  features: {
    devInteractions: { enabled: true },
    backchannelLogout: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  cookies: { keys: ['oidc-test-provider-cookie-key-not-secret'] },
  // Its SSRF protection refuses loopback addresses, where the service under test listens: the
  // back-channel logout goes out without it (a test-only provider on 127.0.0.1).
  fetch: (url, options) => globalThis.fetch(url, { ...options, dispatcher: undefined }),
});

// A failed back-channel call is otherwise silent; the spec's failure message shows this.
provider.on('backchannel.error', (_ctx, error) => process.stderr.write(`backchannel.error: ${error.message}\n`));

provider.listen(port, '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
// The parent kills it with SIGTERM; exit at once rather than wait for open keep-alive sockets.
process.on('SIGTERM', () => process.exit(0));
