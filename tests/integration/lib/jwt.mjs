// Builds service-account JWTs the way the official clients do (RS256 over the credentials'
// PKCS#8 key), with every part overridable so that hostile tokens can be built too.
import crypto from 'node:crypto';

export const nowSeconds = () => Math.floor(Date.now() / 1000);

const b64url = (v) => Buffer.from(v).toString('base64url');

function withOverrides(base, overrides) {
  const out = { ...base };
  for (const [k, v] of Object.entries(overrides || {})) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/**
 * Signs a token for `creds` ({account_id, key_id, private_key}).
 * Options:
 *  header / claims: members merged over the defaults ({alg:'RS256', typ:'JWT', kid} and
 *    {iss: account_id, iat: now, exp: now + 64}); a member set to undefined is removed;
 *  rawHeader / rawPayload: exact JSON text used instead of the encoded objects;
 *  sign: 'rs256' (default), 'none' (empty signature), 'hs256-public-pem' (HMAC-SHA256 keyed with
 *    the public key's PEM text, the classic algorithm-confusion attack), or a function
 *    (signingInput: string) => Buffer.
 */
export function signToken(creds, opts = {}) {
  const now = opts.now ?? nowSeconds();
  const header = withOverrides({ alg: 'RS256', typ: 'JWT', kid: creds.key_id }, opts.header);
  const claims = withOverrides({ iss: creds.account_id, iat: now, exp: now + 64 }, opts.claims);
  const h = b64url(opts.rawHeader ?? JSON.stringify(header));
  const p = b64url(opts.rawPayload ?? JSON.stringify(claims));
  const input = `${h}.${p}`;
  const sign = opts.sign ?? 'rs256';
  let sig;
  if (sign === 'rs256') {
    sig = crypto.sign('sha256', Buffer.from(input), crypto.createPrivateKey(creds.private_key));
  } else if (sign === 'none') {
    sig = Buffer.alloc(0);
  } else if (sign === 'hs256-public-pem') {
    const pem = crypto
      .createPublicKey(crypto.createPrivateKey(creds.private_key))
      .export({ type: 'spki', format: 'pem' });
    sig = crypto.createHmac('sha256', pem).update(input).digest();
  } else if (typeof sign === 'function') {
    sig = sign(input);
  } else {
    throw new Error(`unknown signing mode ${sign}`);
  }
  return `${input}.${b64url(sig)}`;
}

/** "Bearer <token>" for creds, with signToken's options. */
export function bearer(creds, opts) {
  return `Bearer ${signToken(creds, opts)}`;
}
