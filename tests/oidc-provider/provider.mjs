// A real OpenID Connect provider for the tests: the OpenID Certified `oidc-provider` package, on loopback.
// Settings come from the environment, so that the tests can start several (another issuer, rotated keys):
//   PORT         where to listen on 127.0.0.1
//   ISSUER       the issuer URL (default http://127.0.0.1:PORT)
//   AUDIENCE     the API's audience: access tokens are JWTs for it unless the client asks for another `resource`
//   KEYS_FILE    the signing keys (private JWKs); made with one new RSA key when the file does not exist
//   REDIRECTS    the public client's redirect URIs, comma-separated (also allowed after sign-out)
//   CLIENT_ID    the public client (default achievements-pages)
//   ACCESS_TTL   access-token lifetime in seconds (default 3600)
// Anyone may sign in with any password (the package's development login page). A login is a person: `alice`
// becomes alice@example.test; a login starting with `admin` is also in the group `achievements-admins`.
// Prints `listening <issuer>` once it accepts connections.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const issuer = process.env.ISSUER || `http://127.0.0.1:${port}`;
const audience = process.env.AUDIENCE || 'https://achievements.test/api';
const keysFile = process.env.KEYS_FILE;
const clientId = process.env.CLIENT_ID || 'achievements-pages';
const redirects = (process.env.REDIRECTS || 'http://127.0.0.1/callback').split(',').filter(Boolean);
const accessTtl = Number(process.env.ACCESS_TTL || 3600);

function newKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), use: 'sig', alg: 'RS256' };
}

let keys;
if (keysFile && existsSync(keysFile)) {
  keys = JSON.parse(readFileSync(keysFile, 'utf8'));
} else {
  keys = { keys: [newKey()] };
  if (keysFile) writeFileSync(keysFile, JSON.stringify(keys));
}

function person(login) {
  const email = login.includes('@') ? login : `${login}@example.test`;
  return {
    sub: login,
    email,
    email_verified: true,
    name: login,
    groups: login.startsWith('admin') ? ['achievements-admins'] : [],
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    token_endpoint_auth_method: 'none',
    application_type: 'web',
    redirect_uris: redirects,
    post_logout_redirect_uris: redirects,
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
  }],
  jwks: keys,
  cookies: { keys: ['achievements-test-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
  findAccount: (_ctx, id) => ({ accountId: id, claims: () => person(id) }),
  // What the API reads: the person's address and groups, in the access token itself.
  extraTokenClaims: (_ctx, token) => (token.accountId ? { email: person(token.accountId).email, groups: person(token.accountId).groups } : undefined),
  features: {
    devInteractions: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, _client, oneOf) => oneOf || audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => ({
        scope: 'openid email profile groups offline_access',
        audience: resource,
        accessTokenTTL: accessTtl,
        accessTokenFormat: 'jwt',
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => true },
  ttl: { AccessToken: accessTtl, IdToken: 3600, RefreshToken: 86400, Session: 86400, Grant: 86400, Interaction: 600 },
  issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
  // Loopback over http, as in the tests; a real provider is https.
  clientBasedCORS: () => true,
});
provider.proxy = false;

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`listening ${issuer}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
