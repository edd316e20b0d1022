// Talks to Coffer's /platform_api exactly as the official clients do: one short-lived RS256 JWT
// per call, signed in the browser with the service account's private key.
//
// The key is imported with WebCrypto as non-extractable and lives only in this module's memory:
// never in localStorage, sessionStorage, IndexedDB or a cookie. Signing out drops the reference;
// closing or reloading the tab discards it.

const TOKEN_LIFETIME_S = 60;
const MAX_FILE_BYTES = 64 * 1024;

/** An error answer of the API ({"error":{"msg","code"}}) or a transport failure (code 0). */
export class ApiError extends Error {
  constructor(code, message) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.param = paramOf(code, message);
  }
}

/** A credentials file that cannot be used, with a message meant for the user. */
export class CredentialsError extends Error {
  constructor(message) {
    super(message);
    this.name = 'CredentialsError';
  }
}

/** Pending-call count changes ('busy') and rejected credentials ('unauthorized'). */
export const events = new EventTarget();

let session = null; // { accountId, accountEmail, keyId, key: CryptoKey }
let pending = 0;
let verifying = false; // true while signIn() checks a new key with the server

/** The signed-in account ({ id, email, keyId }) or null. */
export function currentAccount() {
  return session
    ? { id: session.accountId, email: session.accountEmail, keyId: session.keyId }
    : null;
}

/**
 * Reads a credentials file (a File or Blob), imports its key and checks with the server that the
 * key is accepted. Throws CredentialsError (bad file) or ApiError (rejected by the server).
 */
export async function signIn(file) {
  const candidate = await readCredentials(file);
  session = candidate;
  verifying = true;
  try {
    await call('GetApplications', { count: 1 });
  } catch (err) {
    session = null;
    throw err;
  } finally {
    verifying = false;
  }
  return currentAccount();
}

/** Forgets the key. Calls made afterwards fail until the next sign-in. */
export function signOut() {
  session = null;
}

/**
 * Calls a Management API method with form-urlencoded parameters (undefined/null are left out)
 * and returns the parsed success body. Throws ApiError for error answers and network failures.
 */
export async function call(method, params = {}) {
  const current = session; // a sign-out during the call does not affect it
  if (!current) throw new ApiError(0, 'You are signed out. Choose your credentials file to sign in.');
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null) body.append(name, String(value));
  }
  setPending(+1);
  try {
    const answer = await post(current, method, body);
    if (answer.error) {
      const code = Number(answer.error.code) || 0;
      let message = String(answer.error.msg ?? 'Error');
      // Token time errors mean this computer's clock disagrees with the server's.
      if (code === 455 || code === 456) message += ' Check that this computer\u2019s clock is correct.';
      const error = new ApiError(code, message);
      if (error.code === 100 && !verifying) events.dispatchEvent(new CustomEvent('unauthorized'));
      throw error;
    }
    return answer.data;
  } finally {
    setPending(-1);
  }
}

async function post(credentials, method, body) {
  const token = await signToken(credentials);
  let response;
  try {
    response = await fetch(`/platform_api/${encodeURIComponent(method)}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body,
      cache: 'no-store',
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
    });
  } catch {
    throw new ApiError(0, 'Could not reach the Coffer server. Check that it is running.');
  }
  let data;
  try {
    data = await response.json();
  } catch {
    throw new ApiError(0, `The server answered HTTP ${response.status} without a JSON body.`);
  }
  if (data && typeof data === 'object' && data.error) return { error: data.error };
  if (!response.ok || !data || typeof data !== 'object') {
    throw new ApiError(0, `The server answered HTTP ${response.status}.`);
  }
  return { data };
}

function setPending(delta) {
  pending += delta;
  events.dispatchEvent(new CustomEvent('busy', { detail: pending }));
}

// ---- credentials file ---------------------------------------------------------------------

async function readCredentials(file) {
  if (!file) throw new CredentialsError('Choose your credentials file first.');
  if (file.size > MAX_FILE_BYTES) {
    throw new CredentialsError('This file is too large to be a credentials file.');
  }
  let json;
  try {
    json = JSON.parse(await file.text());
  } catch {
    throw new CredentialsError('This file is not valid JSON. Choose the credentials.json file ' +
      'that coffer wrote for your service account.');
  }
  if (!json || typeof json !== 'object' || Array.isArray(json)) {
    throw new CredentialsError('This file is not a credentials file: expected a JSON object.');
  }
  const missing = ['account_id', 'key_id', 'private_key'].filter((name) => !(name in json));
  if (missing.length > 0) {
    throw new CredentialsError(`This is not a credentials file: ${missing.join(', ')} ` +
      `${missing.length === 1 ? 'is' : 'are'} missing.`);
  }
  const accountId = Number(json.account_id);
  if (!Number.isSafeInteger(accountId) || accountId < 1) {
    throw new CredentialsError('The account_id in this file is not a valid account number.');
  }
  if (typeof json.key_id !== 'string' || json.key_id === '') {
    throw new CredentialsError('The key_id in this file is empty or not text.');
  }
  const key = await importPrivateKey(json.private_key);
  return {
    accountId,
    accountEmail: typeof json.account_email === 'string' ? json.account_email : '',
    keyId: json.key_id,
    key,
  };
}

async function importPrivateKey(pem) {
  if (typeof pem !== 'string') throw new CredentialsError('The private_key in this file is not text.');
  if (/BEGIN RSA PRIVATE KEY/.test(pem)) {
    throw new CredentialsError('The private key is in PKCS#1 form ("BEGIN RSA PRIVATE KEY"); ' +
      'a PKCS#8 key ("BEGIN PRIVATE KEY") is required.');
  }
  if (/BEGIN ENCRYPTED PRIVATE KEY/.test(pem)) {
    throw new CredentialsError('Encrypted private keys are not supported.');
  }
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]*?)-----END PRIVATE KEY-----/.exec(pem);
  if (!match) throw new CredentialsError('The private_key is not a PEM "PRIVATE KEY" block.');
  let der;
  try {
    der = Uint8Array.from(atob(match[1].replace(/\s+/g, '')), (c) => c.charCodeAt(0));
  } catch {
    throw new CredentialsError('The private key is corrupt: its base64 text cannot be decoded.');
  }
  try {
    return await crypto.subtle.importKey(
      'pkcs8', der, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, false, ['sign']);
  } catch {
    throw new CredentialsError('The private key is corrupt or is not an RSA key.');
  }
}

// ---- JWT ----------------------------------------------------------------------------------

const encoder = new TextEncoder();

function base64url(bytes) {
  let text = '';
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function encodeJson(value) {
  return base64url(encoder.encode(JSON.stringify(value)));
}

async function signToken({ accountId, keyId, key }) {
  const iat = Math.floor(Date.now() / 1000);
  const header = encodeJson({ alg: 'RS256', typ: 'JWT', kid: keyId });
  const claims = encodeJson({ iss: accountId, iat, exp: iat + TOKEN_LIFETIME_S });
  const input = `${header}.${claims}`;
  const signature = await crypto.subtle.sign('RSASSA-PKCS1-v1_5', key, encoder.encode(input));
  return `${input}.${base64url(new Uint8Array(signature))}`;
}

// ---- error → form field -------------------------------------------------------------------

const PARAM_BY_CODE = {
  107: 'application_name',
  116: 'application_id',
  129: 'application_name',
  458: 'ttl',
  558: 'application_name',
};

/** The request parameter an error message is about, so a form can show it by that field. */
function paramOf(code, message) {
  if (PARAM_BY_CODE[code]) return PARAM_BY_CODE[code];
  const quoted = /'([a-z_]+)'/.exec(message);
  if (quoted) return quoted[1];
  const range = /^([a-z_]+) should be in range/.exec(message);
  return range ? range[1] : null;
}
