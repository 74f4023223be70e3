// @s2sdk/ws-protocol: the one definition of the request/reply protocol over WebSocket.
export * from './envelope.js';
export * from './close-codes.js';
export * from './naming.js';
export * from './errors.js';
export * from './conventions.js';
