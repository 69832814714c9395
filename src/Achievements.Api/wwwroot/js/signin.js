import { api, ApiProblem } from './api.js';
import { session } from './dom.js';

// Sign-in through the company's identity provider: the authorization-code flow with PKCE as a public client, so no
// secret is ever in the browser. The tokens stay in this tab's session storage, like keys, and never go in a link.
const tokensKey = 'achievements.oidc';
const pendingKey = 'achievements.oidc.pending';

// How this service signs in ({ authority, clientId, scope }), or null when it accepts keys only.
export async function signInSettings() {
  try {
    return await api('/sign-in');
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 404) return null;
    throw error;
  }
}

const discovered = new Map();
async function discovery(settings) {
  if (!discovered.has(settings.authority)) {
    discovered.set(settings.authority, (async () => {
      let response;
      try {
        response = await fetch(`${settings.authority}/.well-known/openid-configuration`);
      } catch {
        response = null;
      }
      if (!response?.ok) {
        discovered.delete(settings.authority);
        throw new ApiProblem(0, { title: 'The identity provider could not be reached', detail: 'Try again in a moment.' });
      }
      return response.json();
    })());
  }
  return discovered.get(settings.authority);
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const random = (size = 32) => base64url(crypto.getRandomValues(new Uint8Array(size)));
const here = () => `${location.origin}${location.pathname}`;

// Sends the browser to the provider; it comes back to this page with a code (see completeSignIn).
export async function beginSignIn(settings) {
  const config = await discovery(settings);
  const pending = { verifier: random(), state: random(16), nonce: random(16), redirectUri: here() };
  session.set(pendingKey, pending);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(pending.verifier)));
  const url = new URL(config.authorization_endpoint);
  for (const [name, value] of Object.entries({
    client_id: settings.clientId, response_type: 'code', redirect_uri: pending.redirectUri, scope: settings.scope,
    code_challenge: challenge, code_challenge_method: 'S256', state: pending.state, nonce: pending.nonce,
  })) url.searchParams.set(name, value);
  location.assign(url.toString());
}

// Back from the provider: redeems the code once and takes it out of the address. True when a sign-in completed.
export async function completeSignIn(settings) {
  const answer = new URLSearchParams(location.search);
  if (!answer.has('code') && !answer.has('error')) return false;
  const pending = session.get(pendingKey);
  session.remove(pendingKey);
  history.replaceState(null, '', location.pathname);
  if (answer.has('error')) {
    throw new ApiProblem(401, { title: 'Sign-in did not complete', detail: answer.get('error_description') || answer.get('error') });
  }
  if (!pending || answer.get('state') !== pending.state) {
    throw new ApiProblem(401, { title: 'Sign-in did not complete', detail: "The identity provider's answer does not belong to this tab's sign-in. Sign in again." });
  }
  const config = await discovery(settings);
  keep(await tokenRequest(config, {
    grant_type: 'authorization_code', code: answer.get('code'), redirect_uri: pending.redirectUri,
    client_id: settings.clientId, code_verifier: pending.verifier,
  }));
  return true;
}

async function tokenRequest(config, form) {
  const response = await fetch(config.token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiProblem(401, { title: 'The identity provider refused the sign-in', detail: body.error_description || body.error || `It answered ${response.status}.` });
  }
  return body;
}

function keep(tokens, previous = {}) {
  session.set(tokensKey, {
    access: tokens.access_token,
    id: tokens.id_token || previous.id,
    refresh: tokens.refresh_token || previous.refresh,
    expiresAt: Date.now() + (Number(tokens.expires_in) || 300) * 1000,
  });
}

// The access token to send: refreshed first when it expires within a minute, if the provider gave a refresh token.
// Null when there is none or it cannot be refreshed: the page then asks the person to sign in again.
export async function accessToken(settings) {
  const tokens = session.get(tokensKey);
  if (!tokens) return null;
  if (Date.now() < tokens.expiresAt - 60_000) return tokens.access;
  if (tokens.refresh) {
    try {
      const config = await discovery(settings);
      keep(await tokenRequest(config, { grant_type: 'refresh_token', refresh_token: tokens.refresh, client_id: settings.clientId }), tokens);
      return session.get(tokensKey).access;
    } catch {
      // Ask again below.
    }
  }
  session.remove(tokensKey);
  return null;
}

// Forgets the tokens (the service refused them); the person signs in again.
export function forgetSignIn() {
  session.remove(tokensKey);
}

// Forgets the tokens and ends the provider's session too, coming back to this page.
export async function signOut(settings) {
  const tokens = session.get(tokensKey);
  session.remove(tokensKey);
  const config = await discovery(settings).catch(() => null);
  if (!config?.end_session_endpoint) return;
  const url = new URL(config.end_session_endpoint);
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('post_logout_redirect_uri', here());
  if (tokens?.id) url.searchParams.set('id_token_hint', tokens.id);
  location.assign(url.toString());
}
