/** Types for the untyped Amazon Keyspaces SigV4 plugin (only what ORION uses). */
declare module 'aws-sigv4-auth-cassandra-plugin' {
  import type { auth } from 'cassandra-driver';

  /** SigV4 authentication for Amazon Keyspaces; credentials from the default AWS chain. */
  export class SigV4AuthProvider implements auth.AuthProvider {
    constructor(options?: {
      region?: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      sessionToken?: string;
    });
    newAuthenticator(endpoint: string, name: string): auth.Authenticator;
  }
}
