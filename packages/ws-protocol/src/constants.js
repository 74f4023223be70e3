// The protocol's constants, in plain JavaScript so that every consumer can import them as they
// are: the TypeScript packages (through constants.d.ts and envelope.ts / naming.ts) and the
// Spectral rules (scripts/spectral/s2sdkConventions.js, which Spectral loads without a compiler).

/** The names of the envelope's fields, in wire order. */
export const ENVELOPE_FIELDS = Object.freeze(['type', 'requestId', 'payload']);

/** Where every request and reply message declares its correlation id (AsyncAPI runtime expression). */
export const CORRELATION_LOCATION = '$message.payload#/requestId';

/** AsyncAPI extensions of the conventions. */
export const EXTENSIONS = Object.freeze({
  /** Message extension: role in a reply list (reply | error | chunk). */
  role: 'x-s2sdk-role',
  /** Operation extension: the request streams chunks before its final reply. */
  stream: 'x-s2sdk-stream',
  /** Operation extension: the authentication request, sent first on every connect. */
  auth: 'x-s2sdk-auth',
  /** Field extension on login request fields: key | secret | scope. */
  credential: 'x-s2sdk-credential',
  /** Field extension on auth success reply fields: account | scope. */
  identity: 'x-s2sdk-identity',
});

/** The roles a message of an operation's reply list may declare with `x-s2sdk-role`. */
export const REPLY_ROLE_NAMES = Object.freeze(['reply', 'error', 'chunk']);
