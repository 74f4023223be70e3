// The socket adapter alone: `ws` sockets deliver frames through their own 'message' event (no
// MessageEvent per frame); WHATWG sockets (browsers, Node >= 22) through `onmessage`.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { attachSocket, detachSocket } from '../src/transport.js';
import type { WebSocketLike } from '../src/types.js';

function handlers(received: unknown[]) {
  return { open: () => {}, message: (d: unknown) => void received.push(d), error: () => {}, close: () => {} };
}

describe('socket adapter', () => {
  it('uses the `ws` message event: text frames as strings, binary ones as they are; detach removes the listener', () => {
    const socket = Object.assign(new EventEmitter(), { readyState: 1, binaryType: 'nodebuffer', send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null });
    const received: unknown[] = [];
    attachSocket(socket as unknown as WebSocketLike, handlers(received));
    expect(socket.onmessage).toBeNull();
    socket.emit('message', Buffer.from('{"type":"a"}'), false);
    const bin = Buffer.from([1, 2]);
    socket.emit('message', bin, true);
    expect(received).toEqual(['{"type":"a"}', bin]);
    detachSocket(socket as unknown as WebSocketLike);
    expect(socket.listenerCount('message')).toBe(0);
    socket.emit('message', Buffer.from('late'), false);
    expect(received).toHaveLength(2);
  });

  it('uses onmessage for a WHATWG socket', () => {
    const socket = { readyState: 1, binaryType: 'blob', send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null } as unknown as WebSocketLike;
    const received: unknown[] = [];
    attachSocket(socket, handlers(received));
    socket.onmessage!({ data: 'hello' });
    expect(received).toEqual(['hello']);
    detachSocket(socket);
    expect(socket.onmessage).toBeNull();
  });
});
