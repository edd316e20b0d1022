// node mint_token.mjs CREDENTIALS_JSON [LIFETIME_SECONDS]
// Prints an RS256 token (iat = now, exp = now + LIFETIME_SECONDS, default 3600) for the key
// in an official credentials file. Same output as the token_helper benchmark tool, for when
// that is not built.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';

const [path, lifetimeText] = process.argv.slice(2);
if (!path) {
  console.error('usage: node mint_token.mjs CREDENTIALS_JSON [LIFETIME_SECONDS]');
  process.exit(2);
}
const credentials = JSON.parse(readFileSync(path, 'utf8'));
const now = Math.floor(Date.now() / 1000);
const lifetime = lifetimeText ? Number(lifetimeText) : 3600;
const part = (object) => Buffer.from(JSON.stringify(object)).toString('base64url');
const input = part({ alg: 'RS256', typ: 'JWT', kid: credentials.key_id }) + '.' +
  part({ iss: credentials.account_id, iat: now, exp: now + lifetime });
const signature = createSign('RSA-SHA256').update(input).sign(credentials.private_key, 'base64url');
console.log(`${input}.${signature}`);
