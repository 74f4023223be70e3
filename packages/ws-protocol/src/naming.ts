// Message-type naming and reply roles (docs/ARCHITECTURE.md, conventions 3-5).

/** The role a message plays in the protocol (`x-s2sdk-role` for reply-list messages). */
export type MessageRole = 'request' | 'reply' | 'error' | 'chunk' | 'event';

/** The roles a message of an operation's reply list may declare with `x-s2sdk-role`. */
export const REPLY_ROLES: ReadonlySet<string> = new Set(['reply', 'error', 'chunk']);

/** AsyncAPI extensions of the conventions. */
export const EXTENSIONS = {
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
} as const;

/** The conventional success reply type of a request type (`store.create` → `store.create.ok`). */
export function replyTypeOf(requestType: string): string {
  return `${requestType}.ok`;
}

/** The conventional chunk type of a streaming request type (`orders.export` → `orders.export.chunk`). */
export function chunkTypeOf(requestType: string): string {
  return `${requestType}.chunk`;
}

/** The shared error message type (answers invalid or unauthenticated requests). */
export const ERROR_TYPE = 'error';
