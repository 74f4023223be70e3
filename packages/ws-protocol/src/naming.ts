// Message-type naming and reply roles (docs/ARCHITECTURE.md, conventions 3-5).

/** The role a message plays in the protocol (`x-s2sdk-role` for reply-list messages). */
export type MessageRole = 'request' | 'reply' | 'error' | 'chunk' | 'event';

import { EXTENSIONS, REPLY_ROLE_NAMES } from './constants.js';

export { EXTENSIONS, REPLY_ROLE_NAMES };

/** The roles a message of an operation's reply list may declare with `x-s2sdk-role`. */
export const REPLY_ROLES: ReadonlySet<string> = new Set(REPLY_ROLE_NAMES);

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
