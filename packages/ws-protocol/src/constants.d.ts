// Types of constants.js (the constants are JavaScript so the Spectral rules can load them).
export declare const ENVELOPE_FIELDS: readonly ['type', 'requestId', 'payload'];
export declare const CORRELATION_LOCATION: '$message.payload#/requestId';
export declare const EXTENSIONS: {
  /** Message extension: role in a reply list (reply | error | chunk). */
  readonly role: 'x-s2sdk-role';
  /** Operation extension: the request streams chunks before its final reply. */
  readonly stream: 'x-s2sdk-stream';
  /** Operation extension: the authentication request, sent first on every connect. */
  readonly auth: 'x-s2sdk-auth';
  /** Field extension on login request fields: key | secret | scope. */
  readonly credential: 'x-s2sdk-credential';
  /** Field extension on auth success reply fields: account | scope. */
  readonly identity: 'x-s2sdk-identity';
};
export declare const REPLY_ROLE_NAMES: readonly ['reply', 'error', 'chunk'];
