/**
 * Amazon Keyspaces SigV4 authentication for the Apache Cassandra Node.js driver, on the AWS SDK
 * for JavaScript v3: credentials from the SDK v3 default chain (`fromNodeProviderChain`), signing
 * key and signature from the SDK's own SigV4 signer (`@smithy/signature-v4`).
 *
 * It replaces `aws-sigv4-auth-cassandra-plugin` 1.0.5, AWS's plugin for this driver, whose last
 * release (2023) depends on the AWS SDK for JavaScript v2 (end of support 2025-09-08) and
 * `crypto-js`, and has no SDK v3 release. The exchange is byte-for-byte the one that plugin
 * (`lib/sigv4-auth-signature.js`) and AWS's Java and Python plugins
 * (`software.aws.mcs.auth.SigV4AuthProvider`, `cassandra_sigv4/auth.py`) implement; the
 * Keyspaces developer guide points to these plugins ("Create and configure AWS credentials for
 * Amazon Keyspaces", "Using a Cassandra Node.js client driver to access Amazon Keyspaces"):
 *
 * 1. client → server, initial SASL response: `SigV4\0\0`;
 * 2. server → client, challenge: `nonce=<nonce>[,…]`;
 * 3. client → server: `signature=<hex>,access_key=<key id>,amzdate=<t>[,session_token=<token>]`,
 *    where `t` is the ISO-8601 time with milliseconds (`2020-06-09T22:41:51.000Z`, NOT SigV4's
 *    usual `20200609T224151Z`), and the signature is SigV4's HMAC chain (`AWS4<secret>` → date →
 *    region → `cassandra` → `aws4_request`) over
 *    `AWS4-HMAC-SHA256\n<t>\n<yyyymmdd>/<region>/cassandra/aws4_request\n<hex sha256(canonical)>`
 *    with the canonical request
 *    `PUT\n/authenticate\n<query>\nhost:cassandra\n\nhost\n<hex sha256(nonce)>` and `<query>` the
 *    four parameters `X-Amz-Algorithm=AWS4-HMAC-SHA256`,
 *    `X-Amz-Credential=<key id>%2F<url-encoded scope>`, `X-Amz-Date=<url-encoded t>`,
 *    `X-Amz-Expires=900`, sorted, joined by `&`. The session token is sent, not signed.
 *
 * Because of the millisecond timestamp and the fixed query, no SDK v3 request signer
 * (`sign(request)`/`presign`) produces that canonical request; the SDK's string signer
 * (`sign(stringToSign)`, its `StringSigner`) does the rest: signing-key derivation and the final
 * HMAC over our string to sign.
 * `test/unit/storage/keyspaces-sigv4-auth.test.ts` pins the result to signatures produced by the
 * AWS plugin itself.
 */
import { createHash } from 'node:crypto';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import cassandra from 'cassandra-driver';

/** AWS credentials as the SDK v3 providers resolve them. */
export interface KeyspacesCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** A credential provider in the SDK v3 shape (e.g. `fromNodeProviderChain()`, `fromEnv()`). */
export type KeyspacesCredentialProvider = () => Promise<KeyspacesCredentials>;

/** Options of {@link KeyspacesSigV4AuthProvider}. */
export interface KeyspacesSigV4Options {
  /** Region of the Keyspaces endpoint, signed into the credential scope. */
  readonly region: string;
  /**
   * Default: the SDK v3 default chain (`fromNodeProviderChain`: environment — the Lambda role's
   * keys —, SSO, shared files, web identity, ECS/IMDS), memoized and refreshed 5 min before
   * expiry.
   */
  readonly credentials?: KeyspacesCredentialProvider;
  /** Clock (tests). Default: `new Date()`. */
  readonly now?: () => Date;
}

const SERVICE = 'cassandra';
const ALGORITHM = 'AWS4-HMAC-SHA256';
const INITIAL_RESPONSE = Buffer.from('SigV4\0\0', 'utf8');

/** The driver checks `instanceof auth.AuthProvider`; its typings declare interfaces only. */
const driverAuth = cassandra.auth as unknown as {
  AuthProvider: new () => cassandra.auth.AuthProvider;
  Authenticator: new () => cassandra.auth.Authenticator;
};

/** Node-style callback of the driver's authenticator methods. */
type AuthCallback = (error: Error | null, token?: Buffer | null) => void;

/**
 * The nonce of a Keyspaces challenge: what follows `nonce=` up to the next `,` (as AWS's Node.js
 * plugin reads it), or `undefined` without `nonce=`.
 * @example extractNonce(Buffer.from('nonce=91703fdc2ef562e19fbdab0f58e42fe5')) // '91703fdc…'
 */
export function extractNonce(challenge: Buffer): string | undefined {
  const text = challenge.toString('utf8');
  const start = text.indexOf('nonce=');
  if (start === -1) return undefined;
  return text.slice(start + 'nonce='.length).split(',')[0];
}

const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The intermediate strings of one signature (exported for tests). */
export interface KeyspacesSigningSteps {
  readonly amzDate: string;
  readonly scope: string;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
}

/**
 * Canonical request and string to sign for a nonce (protocol in the module comment).
 * @example keyspacesSigningSteps({ accessKeyId: 'AKID', region: 'eu-west-1', nonce, date })
 */
export function keyspacesSigningSteps(input: {
  accessKeyId: string;
  region: string;
  nonce: string;
  date: Date;
}): KeyspacesSigningSteps {
  const amzDate = input.date.toISOString();
  const scope = `${amzDate.slice(0, 10).replaceAll('-', '')}/${input.region}/${SERVICE}/aws4_request`;
  // Already in sorted order (…Algorithm < …Credential < …Date < …Expires), as the plugins sort it.
  const query = [
    `X-Amz-Algorithm=${ALGORITHM}`,
    `X-Amz-Credential=${input.accessKeyId}%2F${encodeURIComponent(scope)}`,
    `X-Amz-Date=${encodeURIComponent(amzDate)}`,
    'X-Amz-Expires=900',
  ].join('&');
  const canonicalRequest = `PUT\n/authenticate\n${query}\nhost:${SERVICE}\n\nhost\n${sha256Hex(input.nonce)}`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  return { amzDate, scope, canonicalRequest, stringToSign };
}

/**
 * The answer to a Keyspaces challenge nonce:
 * `signature=…,access_key=…,amzdate=…[,session_token=…]`.
 * @example await keyspacesChallengeResponse({ region: 'eu-west-1', nonce, date: new Date(), credentials })
 */
export async function keyspacesChallengeResponse(input: {
  region: string;
  nonce: string;
  date: Date;
  credentials: KeyspacesCredentials;
}): Promise<string> {
  const { credentials, region, date } = input;
  const steps = keyspacesSigningSteps({
    accessKeyId: credentials.accessKeyId,
    region,
    nonce: input.nonce,
    date,
  });
  // Signed with the credentials just resolved (not the provider again), so the signature and
  // `access_key` can never come from two different credential sets across a refresh.
  const signer = new SignatureV4({ credentials, region, service: SERVICE, sha256: Sha256 });
  const signature = await signer.sign(steps.stringToSign, {
    signingDate: date,
    signingRegion: region,
    signingService: SERVICE,
  });
  const response = `signature=${signature},access_key=${credentials.accessKeyId},amzdate=${steps.amzDate}`;
  return credentials.sessionToken ? `${response},session_token=${credentials.sessionToken}` : response;
}

/** One connection's SigV4 exchange (the driver creates one per connection). */
export class KeyspacesSigV4Authenticator extends driverAuth.Authenticator {
  constructor(private readonly options: Required<KeyspacesSigV4Options>) {
    super();
  }

  override initialResponse(callback: AuthCallback): void {
    callback(null, INITIAL_RESPONSE);
  }

  override evaluateChallenge(challenge: Buffer, callback: AuthCallback): void {
    const nonce = extractNonce(challenge);
    if (!nonce) {
      callback(
        new Error(`[SIGV4_MISSING_NONCE] Did not find nonce in SigV4 challenge: [${challenge}]`),
        null,
      );
      return;
    }
    const date = this.options.now();
    // A credential failure fails this connection's authentication (the plugin left it pending).
    this.options
      .credentials()
      .then((credentials) =>
        keyspacesChallengeResponse({ region: this.options.region, nonce, date, credentials }),
      )
      .then(
        (response) => callback(null, Buffer.from(response, 'utf8')),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
      );
  }

  override onAuthenticationSuccess(): void {}
}

/**
 * SigV4 authentication for Amazon Keyspaces, as the driver's `authProvider`.
 * @example new cassandra.Client({ ..., authProvider: new KeyspacesSigV4AuthProvider({ region: 'eu-west-1' }) })
 */
export class KeyspacesSigV4AuthProvider extends driverAuth.AuthProvider {
  readonly region: string;
  private readonly options: Required<KeyspacesSigV4Options>;

  constructor(options: KeyspacesSigV4Options) {
    super();
    if (!options.region) throw new Error('KeyspacesSigV4AuthProvider: a region is required');
    this.region = options.region;
    this.options = {
      region: options.region,
      credentials: options.credentials ?? fromNodeProviderChain(),
      now: options.now ?? (() => new Date()),
    };
  }

  override newAuthenticator(_endpoint?: string, _name?: string): cassandra.auth.Authenticator {
    return new KeyspacesSigV4Authenticator(this.options);
  }
}
