// SPEC 2.1: service-account JWT checks, each step with its code, and their order.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startServer } from './lib/harness.mjs';
import { bearer, nowSeconds, signToken } from './lib/jwt.mjs';
import { call, expectError, expectOk, newAccount } from './lib/api.mjs';

let server;
let other; // credentials of a second account
before(async () => {
  server = await startServer();
  other = await newAccount(server, 'jwt-other');
});
after(async () => {
  await server?.stop();
});

/** The token with one bit of its signature flipped (still canonical base64url). */
function tamperSignature(token) {
  const [h, p, s] = token.split('.');
  const sig = Buffer.from(s, 'base64url');
  sig[10] ^= 0x01;
  return `${h}.${p}.${sig.toString('base64url')}`;
}

const withAuth = (auth) => call(server, 'GetApplications', {}, { auth });
const withToken = (opts) => withAuth(bearer(server.creds, opts));

describe('step 1: header and scheme (100)', () => {
  test('no Authorization header', async () => {
    expectError(await withAuth(null), 100);
  });

  test('other schemes, missing or empty token', async () => {
    const token = signToken(server.creds);
    for (const auth of [`Basic ${Buffer.from('1:x').toString('base64')}`, `Token ${token}`, 'Bearer', 'Bearer ', '', token]) {
      expectError(await withAuth(auth), 100, {});
    }
  });

  test('the scheme is case-insensitive', async () => {
    const token = signToken(server.creds);
    expectOk(await withAuth(`bearer ${token}`));
    expectOk(await withAuth(`BEARER ${signToken(server.creds)}`));
  });

  test('a valid token is accepted, and may be replayed within its lifetime', async () => {
    const auth = bearer(server.creds);
    expectOk(await withAuth(auth));
    expectOk(await withAuth(auth));
  });
});

describe('step 2: three base64url JSON segments (447)', () => {
  test('not three segments', async () => {
    const token = signToken(server.creds);
    const [h, p, s] = token.split('.');
    for (const t of [`${h}.${p}`, `${h}`, `${token}.${s}`, 'abc', `${h}.${s}`, `${h}.${p}.${s}.`]) {
      expectError(await withAuth(`Bearer ${t}`), 447);
    }
  });

  test('header or payload not a JSON object', async () => {
    expectError(await withToken({ rawHeader: 'not json' }), 447);
    expectError(await withToken({ rawPayload: 'not json' }), 447);
    expectError(await withToken({ rawPayload: '[1,2,3]' }), 447);
    expectError(await withToken({ rawHeader: '"RS256"' }), 447);
  });

  test('a 10 KB garbage token is a format failure', async () => {
    const garbage = crypto.randomBytes(7680).toString('base64url'); // 10240 characters, no dots
    assert.equal(garbage.length, 10240);
    expectError(await withAuth(`Bearer ${garbage}`), 447);
    const dotted = `${garbage.slice(0, 3000)}.${garbage.slice(3000, 6000)}.${garbage.slice(6000)}`;
    expectError(await withAuth(`Bearer ${dotted}`), 447);
  });
});

describe('step 3: alg must be exactly RS256 (100)', () => {
  test('alg none, with and without a signature', async () => {
    expectError(await withToken({ header: { alg: 'none' }, sign: 'none' }), 100);
    expectError(await withToken({ header: { alg: 'none' } }), 100);
  });

  test('HS256 keyed with the public key PEM (algorithm confusion)', async () => {
    expectError(await withToken({ header: { alg: 'HS256' }, sign: 'hs256-public-pem' }), 100);
  });

  test('other spellings and algorithms, or none at all', async () => {
    for (const alg of ['rs256', 'RS512', 'PS256', 'ES256']) {
      expectError(await withToken({ header: { alg } }), 100);
    }
    expectError(await withToken({ header: { alg: undefined } }), 100);
  });

  test('the alg check precedes the claim checks (HS256 without kid -> 100, not 447)', async () => {
    expectError(await withToken({ header: { alg: 'HS256', kid: undefined }, sign: 'hs256-public-pem' }), 100);
  });
});

describe('step 4: kid, iss, iat, exp present with their types (447)', () => {
  test('missing or mistyped members', async () => {
    const cases = [
      { header: { kid: undefined } },
      { header: { kid: 12345 } },
      { claims: { iss: undefined } },
      { claims: { iss: 'abc' } },
      { claims: { iss: true } },
      { claims: { iat: undefined } },
      { claims: { iat: String(nowSeconds()) } },
      { claims: { exp: undefined } },
      { claims: { exp: String(nowSeconds() + 60) } },
    ];
    for (const c of cases) {
      expectError(await withToken(c), 447, {});
    }
  });

  test('iss as a numeric string passes (Java, .NET)', async () => {
    expectOk(await withToken({ claims: { iss: String(server.creds.account_id) } }));
  });

  test('fractional iat and exp pass (fraction truncated)', async () => {
    const now = nowSeconds();
    expectOk(await withToken({ claims: { iat: now + 0.75, exp: now + 60.5 } }));
  });

  test('typ is optional and other claims are allowed', async () => {
    const now = nowSeconds();
    expectOk(await withToken({ header: { typ: undefined }, claims: { nbf: now, jti: 'x', aud: 'y' } }));
  });
});

describe('steps 5-7: key, signature, issuer (100)', () => {
  test('unknown kid', async () => {
    expectError(await withToken({ header: { kid: 'ffffffffffffffffffffffffffffffff' } }), 100);
  });

  test('unknown kid is checked before the TTL (100, not 454)', async () => {
    const now = nowSeconds();
    expectError(await withToken({ header: { kid: 'nope' }, claims: { iat: now, exp: now + 7200 } }), 100);
  });

  test('tampered signature or payload', async () => {
    const token = signToken(server.creds);
    const [h, p, s] = token.split('.');
    expectError(await withAuth(`Bearer ${tamperSignature(token)}`), 100);
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    claims.exp += 1;
    const p2 = Buffer.from(JSON.stringify(claims)).toString('base64url');
    expectError(await withAuth(`Bearer ${h}.${p2}.${s}`), 100);
    expectError(await withAuth(`Bearer ${h}.${p}.`), 100);
  });

  test('signed by another key than kid names', async () => {
    const forged = { ...server.creds, private_key: other.private_key };
    expectError(await withToken({ sign: (input) => crypto.sign('sha256', Buffer.from(input), forged.private_key) }), 100);
  });

  test('iss of another account (no delegation)', async () => {
    expectError(await withToken({ claims: { iss: other.account_id } }), 100);
    expectError(await withAuth(bearer(other, { claims: { iss: server.creds.account_id } })), 100);
  });

  test('the issuer check precedes the time checks (100, not 456)', async () => {
    const now = nowSeconds();
    expectError(await withToken({ claims: { iss: other.account_id, iat: now - 100, exp: now - 10 } }), 100);
  });

  test('a bad signature is checked before the time checks (100, not 456)', async () => {
    const now = nowSeconds();
    const token = signToken(server.creds, { claims: { iat: now - 100, exp: now - 10 } });
    expectError(await withAuth(`Bearer ${tamperSignature(token)}`), 100);
  });
});

describe('steps 8-10: lifetime (454, 455, 456)', () => {
  test('exp - iat = 3601 -> 454; = 3600 passes', async () => {
    const now = nowSeconds();
    expectError(await withToken({ claims: { iat: now, exp: now + 3601 } }), 454);
    expectOk(await withToken({ claims: { iat: now, exp: now + 3600 } }));
    expectOk(await withToken({ claims: { iat: now, nbf: now, exp: now + 3600 } }));
  });

  test('iat or nbf 60 s ahead -> 455; 20 s ahead passes', async () => {
    const now = nowSeconds();
    expectError(await withToken({ claims: { iat: now + 60, exp: now + 120 } }), 455);
    expectError(await withToken({ claims: { iat: now, nbf: now + 60, exp: now + 120 } }), 455);
    expectOk(await withToken({ claims: { iat: now + 20, exp: now + 80 } }));
    expectOk(await withToken({ claims: { iat: now, nbf: now + 20, exp: now + 80 } }));
  });

  test('expired -> 456 (no allowance on exp)', async () => {
    const now = nowSeconds();
    expectError(await withToken({ claims: { iat: now - 100, exp: now - 10 } }), 456);
    expectError(await withToken({ claims: { iat: now - 60, exp: now - 1 } }), 456);
  });

  test('order: 454 before 455 before 456', async () => {
    const now = nowSeconds();
    expectError(await withToken({ claims: { iat: now + 60, exp: now + 60 + 3601 } }), 454);
    expectError(await withToken({ claims: { iat: now + 60, exp: now - 10 } }), 455);
  });

  test('a token that expires while cached is refused after exp', async () => {
    const now = nowSeconds();
    const auth = bearer(server.creds, { claims: { iat: now, exp: now + 3 } });
    expectOk(await withAuth(auth));
    await new Promise((r) => setTimeout(r, (now + 3 - Date.now() / 1000) * 1000 + 1100));
    expectError(await withAuth(auth), 456);
  });

  test('the shapes real clients produce pass', async () => {
    const now = nowSeconds();
    const shapes = [
      { iat: now, exp: now + 64 }, // Node
      { iat: now - 5, exp: now + 24 }, // Python
      { iat: now - 5, exp: now + 60 }, // Java
      { iat: now, nbf: now, exp: now + 3600 }, // .NET
    ];
    for (const claims of shapes) expectOk(await withToken({ claims }));
  });
});
