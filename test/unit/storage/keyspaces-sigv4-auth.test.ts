/**
 * Keyspaces SigV4 authentication on the SDK v3, against golden vectors: every expected string
 * below was produced by AWS's `aws-sigv4-auth-cassandra-plugin` 1.0.5 (SDK v2, the plugin this
 * module replaces), through its public `SigV4Authenticator.evaluateChallenge` with a fixed date and
 * static credentials, before it was uninstalled. Vector 1 is also the plugin's own test vector
 * (`test/unit/sigv4-auth-signature-tests.js` of aws/aws-sigv4-auth-cassandra-nodejs-driver-plugin).
 */
import { createServer, type Socket } from 'node:net';
import cassandra from 'cassandra-driver';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  extractNonce,
  type KeyspacesCredentials,
  KeyspacesSigV4AuthProvider,
  keyspacesChallengeResponse,
  keyspacesSigningSteps,
} from '../../../shared/storage/cassandra/keyspaces-sigv4-auth.ts';

const PLUGIN_VECTOR = {
  region: 'us-west-2',
  credentials: { accessKeyId: 'UserID-1', secretAccessKey: 'UserSecretKey-1' },
  date: new Date(1591742511000), // 2020-06-09T22:41:51.000Z
  challenge: 'nonce=91703fdc2ef562e19fbdab0f58e42fe5',
  canonicalRequest:
    'PUT\n/authenticate\n' +
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=UserID-1%2F20200609%2Fus-west-2%2Fcassandra%2Faws4_request' +
    '&X-Amz-Date=2020-06-09T22%3A41%3A51.000Z&X-Amz-Expires=900\n' +
    'host:cassandra\n\nhost\nddf250111597b3f35e51e649f59e3f8b30ff5b247166d709dc1b1e60bd927070',
  stringToSign:
    'AWS4-HMAC-SHA256\n2020-06-09T22:41:51.000Z\n20200609/us-west-2/cassandra/aws4_request\n' +
    'bf5cc15759befc37fc35689dcdd7938a9ad042b6326f537c4c5eecaa2ebf911e',
  response:
    'signature=7f3691c18a81b8ce7457699effbfae5b09b4e0714ab38c1292dbdf082c9ddd87,access_key=UserID-1,amzdate=2020-06-09T22:41:51.000Z',
};

/** Temporary credentials (session token), milliseconds, last millisecond of a UTC year, extra challenge fields. */
const SESSION_VECTOR = {
  region: 'eu-west-1',
  credentials: {
    accessKeyId: 'ASIAORIONEXAMPLE0001',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjEOrion/Session+Token==',
  },
  date: new Date(Date.UTC(2025, 11, 31, 23, 59, 59, 987)),
  challenge: 'nonce=0c0b0c6f3946d14ce1a49a8f8c86a888,other=x',
  canonicalRequest:
    'PUT\n/authenticate\n' +
    'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAORIONEXAMPLE0001%2F20251231%2Feu-west-1%2Fcassandra%2Faws4_request' +
    '&X-Amz-Date=2025-12-31T23%3A59%3A59.987Z&X-Amz-Expires=900\n' +
    'host:cassandra\n\nhost\n018d5b62aa20ad584af2a6bd645e6b1c42de353bf3c2cd074b2cc059d6150711',
  stringToSign:
    'AWS4-HMAC-SHA256\n2025-12-31T23:59:59.987Z\n20251231/eu-west-1/cassandra/aws4_request\n' +
    'c8a736ad01454991902977e60f9bfabb0a3176ed235ce98b7c52c3d26448c00d',
  response:
    'signature=b5e5c8a053576f5254e3a28c3555ddadb281a6164fccdeaed12cc532d01218f7,access_key=ASIAORIONEXAMPLE0001,' +
    'amzdate=2025-12-31T23:59:59.987Z,session_token=IQoJb3JpZ2luX2VjEOrion/Session+Token==',
};

/** Drives the driver-facing authenticator as `cassandra-driver`'s Connection does. */
function authenticate(
  provider: cassandra.auth.AuthProvider,
  challenge: string,
): Promise<{ initial: Buffer; answer: Buffer }> {
  const authenticator = provider.newAuthenticator(
    'cassandra.eu-west-1.amazonaws.com:9142',
    'com.amazonaws.cassandra.auth.SigV4Authenticator',
  );
  return new Promise((resolve, reject) => {
    authenticator.initialResponse((error: Error | null, initial: Buffer) => {
      if (error) return reject(error);
      authenticator.evaluateChallenge(Buffer.from(challenge), (err: Error | null, answer: Buffer) =>
        err ? reject(err) : resolve({ initial, answer }),
      );
    });
  });
}

const staticCredentials = (c: KeyspacesCredentials) => async () => c;

describe('Keyspaces SigV4 signing steps', () => {
  it.each([
    ['plugin test vector', PLUGIN_VECTOR],
    ['session credentials', SESSION_VECTOR],
  ])('builds the canonical request and string to sign of AWS’s plugin (%s)', (_, v) => {
    const steps = keyspacesSigningSteps({
      accessKeyId: v.credentials.accessKeyId,
      region: v.region,
      nonce: extractNonce(Buffer.from(v.challenge))!,
      date: v.date,
    });
    expect(steps.canonicalRequest).toBe(v.canonicalRequest);
    expect(steps.stringToSign).toBe(v.stringToSign);
  });

  it.each([
    ['plugin test vector', PLUGIN_VECTOR],
    ['session credentials', SESSION_VECTOR],
  ])('answers the challenge byte for byte as AWS’s plugin (%s)', async (_, v) => {
    const response = await keyspacesChallengeResponse({
      region: v.region,
      nonce: extractNonce(Buffer.from(v.challenge))!,
      date: v.date,
      credentials: v.credentials,
    });
    expect(response).toBe(v.response);
  });

  it('reads the nonce up to the next comma, as the plugin does', () => {
    expect(extractNonce(Buffer.from('nonce=0c0b0c6f3946d14ce1a49a8f8c86a888'))).toBe(
      '0c0b0c6f3946d14ce1a49a8f8c86a888',
    );
    expect(extractNonce(Buffer.from('nonce=0c0b0c6f3946d14ce1a49a8f8c86a888,,'))).toBe(
      '0c0b0c6f3946d14ce1a49a8f8c86a888',
    );
    expect(extractNonce(Buffer.from('buffer1'))).toBeUndefined();
  });
});

describe('KeyspacesSigV4AuthProvider', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is an AuthProvider the driver accepts', () => {
    const provider = new KeyspacesSigV4AuthProvider({ region: 'eu-west-1' });
    // The driver's own check (client-options.js): `authProvider instanceof auth.AuthProvider`.
    expect(
      () =>
        new cassandra.Client({
          contactPoints: ['h:9142'],
          localDataCenter: 'eu-west-1',
          authProvider: provider,
        }),
    ).not.toThrow();
  });

  it.each([
    ['plugin test vector', PLUGIN_VECTOR],
    ['session credentials', SESSION_VECTOR],
  ])('sends SigV4\\0\\0, then the signed answer to the nonce challenge (%s)', async (_, v) => {
    const provider = new KeyspacesSigV4AuthProvider({
      region: v.region,
      credentials: staticCredentials(v.credentials),
      now: () => v.date,
    });
    const { initial, answer } = await authenticate(provider, v.challenge);
    expect([...initial]).toEqual([...Buffer.from('SigV4'), 0, 0]);
    expect(answer.toString('utf8')).toBe(v.response);
  });

  it('signs with the SDK v3 default chain: the Lambda role’s keys from the environment', async () => {
    const c = SESSION_VECTOR.credentials;
    vi.stubEnv('AWS_ACCESS_KEY_ID', c.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', c.secretAccessKey);
    vi.stubEnv('AWS_SESSION_TOKEN', c.sessionToken);
    const provider = new KeyspacesSigV4AuthProvider({
      region: SESSION_VECTOR.region,
      now: () => SESSION_VECTOR.date,
    });
    const { answer } = await authenticate(provider, SESSION_VECTOR.challenge);
    expect(answer.toString('utf8')).toBe(SESSION_VECTOR.response);
  });

  it('fails the authentication on a challenge without nonce', async () => {
    const provider = new KeyspacesSigV4AuthProvider({
      region: 'eu-west-1',
      credentials: staticCredentials(SESSION_VECTOR.credentials),
    });
    await expect(authenticate(provider, 'buffer1')).rejects.toThrow(
      '[SIGV4_MISSING_NONCE] Did not find nonce in SigV4 challenge: [buffer1]',
    );
  });

  it('fails the authentication when no credentials resolve (the SDK v2 plugin never called back)', async () => {
    const provider = new KeyspacesSigV4AuthProvider({
      region: 'eu-west-1',
      credentials: () => Promise.reject(new Error('Could not load credentials from any providers')),
    });
    await expect(authenticate(provider, SESSION_VECTOR.challenge)).rejects.toThrow(
      'Could not load credentials',
    );
  });

  it('requires a region', () => {
    expect(() => new KeyspacesSigV4AuthProvider({ region: '' })).toThrow('a region is required');
  });
});

/**
 * A CQL v4 endpoint that speaks only Keyspaces' SASL exchange: STARTUP → AUTHENTICATE, first
 * AUTH_RESPONSE → AUTH_CHALLENGE `nonce=…`, second AUTH_RESPONSE recorded and answered with an
 * authentication error (so the driver stops there). Returns what the driver sent.
 */
async function saslEndpoint(nonce: string) {
  const tokens: Buffer[] = [];
  const frame = (stream: number, opcode: number, body: Buffer) => {
    const header = Buffer.alloc(9);
    header.writeUInt8(0x84, 0); // response, protocol v4
    header.writeInt16BE(stream, 2);
    header.writeUInt8(opcode, 4);
    header.writeInt32BE(body.length, 5);
    return Buffer.concat([header, body]);
  };
  const cqlString = (s: string) => {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(2);
    len.writeUInt16BE(b.length);
    return Buffer.concat([len, b]);
  };
  const cqlBytes = (b: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeInt32BE(b.length);
    return Buffer.concat([len, b]);
  };
  const server = createServer((socket: Socket) => {
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9 && pending.length >= 9 + pending.readInt32BE(5)) {
        const stream = pending.readInt16BE(2);
        const opcode = pending.readUInt8(4);
        const body = pending.subarray(9, 9 + pending.readInt32BE(5));
        pending = pending.subarray(9 + body.length);
        if (opcode === 0x01) {
          socket.write(frame(stream, 0x03, cqlString('com.amazonaws.cassandra.auth.SigV4Authenticator')));
        } else if (opcode === 0x0f) {
          const token = Buffer.from(body.subarray(4, 4 + body.readInt32BE(0)));
          tokens.push(token);
          if (tokens.length === 1) socket.write(frame(stream, 0x0e, cqlBytes(Buffer.from(`nonce=${nonce}`))));
          else {
            const code = Buffer.alloc(4);
            code.writeInt32BE(0x0100); // bad credentials
            socket.write(frame(stream, 0x00, Buffer.concat([code, cqlString('recorded')])));
          }
        }
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, tokens, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('KeyspacesSigV4AuthProvider in cassandra-driver', () => {
  it('drives the driver’s SASL exchange: SigV4\\0\\0, then the signed nonce answer', async () => {
    const v = SESSION_VECTOR;
    const endpoint = await saslEndpoint(extractNonce(Buffer.from(v.challenge))!);
    const client = new cassandra.Client({
      contactPoints: [`127.0.0.1:${endpoint.port}`],
      localDataCenter: v.region,
      protocolOptions: { maxVersion: 4 },
      authProvider: new KeyspacesSigV4AuthProvider({
        region: v.region,
        credentials: staticCredentials(v.credentials),
        now: () => v.date,
      }),
    });
    try {
      await expect(client.connect()).rejects.toThrow();
      expect(endpoint.tokens.map((t) => t.toString('utf8'))).toEqual(['SigV4\0\0', v.response]);
    } finally {
      await client.shutdown();
      await endpoint.close();
    }
  });
});
