// Picks the WebSocket implementation: an injected constructor, else the global one
// (browsers, Node >= 22), else the optional peer `ws` loaded lazily. The specifier is kept
// out of static analysis so browser bundles never include `ws` or node builtins.
import type { WebSocketConstructor, WebSocketLike } from './types.js';
import { ConnectError } from './errors.js';

let cachedWs: Promise<WebSocketConstructor> | undefined;

export async function resolveWebSocket(injected: WebSocketConstructor | undefined): Promise<WebSocketConstructor> {
  if (injected) return injected;
  const g = (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (typeof g === 'function') return g;
  return (cachedWs ??= loadWs());
}

async function loadWs(): Promise<WebSocketConstructor> {
  const specifier = 'ws';
  try {
    const mod = (await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier)) as {
      WebSocket?: WebSocketConstructor;
      default?: WebSocketConstructor | { WebSocket?: WebSocketConstructor };
    };
    const ctor = mod.WebSocket ?? (typeof mod.default === 'function' ? mod.default : mod.default?.WebSocket);
    if (typeof ctor !== 'function') throw new TypeError('the `ws` module has no WebSocket export');
    return ctor;
  } catch (err) {
    cachedWs = undefined;
    throw new ConnectError(
      'no WebSocket implementation: this runtime has no global WebSocket and the optional peer dependency `ws` could not be loaded (npm install ws), or pass the `WebSocket` option',
      { cause: err },
    );
  }
}

/** True when the socket supports protocol-level pings (the `ws` package). */
export function supportsPing(socket: unknown): socket is { ping(): void; on(ev: 'pong', l: () => void): unknown; off?(ev: 'pong', l: () => void): unknown; removeListener?(ev: 'pong', l: () => void): unknown } {
  const s = socket as { ping?: unknown; on?: unknown };
  return typeof s.ping === 'function' && typeof s.on === 'function';
}

/** Closes without waiting for the closing handshake when the transport can (`ws`'s terminate). */
export function hardClose(socket: { close(code?: number, reason?: string): void }, code: number, reason: string): void {
  const t = (socket as { terminate?: () => void }).terminate;
  try {
    if (typeof t === 'function') t.call(socket);
    else socket.close(code, reason);
  } catch {
    /* already closed */
  }
}

/** What the client does with a socket's events. */
export interface SocketHandlers {
  open(): void;
  message(data: unknown): void;
  error(error: unknown): void;
  close(code: number, reason: string): void;
}

/** A listener of the Node `ws` package's own message event: `(data, isBinary)`, no event object per frame. */
type NodeMessageListener = (data: { toString(): string }, isBinary: boolean) => void;

interface NodeWsEmitter {
  on(event: 'message', listener: NodeMessageListener): unknown;
  off(event: 'message', listener: NodeMessageListener): unknown;
}

/** The message listener attachSocket put on a `ws` socket, for detachSocket to take off. */
const nodeListeners = new WeakMap<object, NodeMessageListener>();

/**
 * A `ws` socket (an EventEmitter delivering Buffers): its `message` event is used directly,
 * because its `onmessage` property wraps every frame in a WHATWG MessageEvent first.
 */
function nodeWs(socket: WebSocketLike): NodeWsEmitter | undefined {
  const s = socket as unknown as Partial<NodeWsEmitter> & { binaryType?: string };
  return typeof s.on === 'function' && typeof s.off === 'function' && s.binaryType === 'nodebuffer' ? (s as NodeWsEmitter) : undefined;
}

/** Wires `handlers` to the socket's events (WHATWG-style `on*` properties, which `ws` has too). */
export function attachSocket(socket: WebSocketLike, handlers: SocketHandlers): void {
  socket.onopen = () => handlers.open();
  const emitter = nodeWs(socket);
  if (emitter) {
    const listener: NodeMessageListener = (data, isBinary) => handlers.message(isBinary ? data : data.toString());
    nodeListeners.set(socket, listener);
    emitter.on('message', listener);
  } else socket.onmessage = (ev) => handlers.message(ev.data);
  socket.onerror = (ev) => handlers.error((ev as { error?: unknown })?.error ?? ev);
  socket.onclose = (ev) => handlers.close(ev.code, ev.reason);
}

/** Unwires a socket; errors it reports later are swallowed. */
export function detachSocket(socket: WebSocketLike): void {
  socket.onopen = null;
  const listener = nodeListeners.get(socket);
  if (listener) {
    nodeListeners.delete(socket);
    nodeWs(socket)?.off('message', listener);
  }
  socket.onmessage = null;
  socket.onerror = () => {};
  socket.onclose = null;
}

const CLOSED = 3;

/**
 * Closes with the closing handshake; resolves when closed, or after `graceMs` (then hard-closes):
 * a peer that never completes the handshake must not hold `close()` forever.
 */
export function closeGracefully(socket: WebSocketLike, code: number, reason: string, graceMs = 2000): Promise<void> {
  if (socket.readyState === CLOSED) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      hardClose(socket, code, reason);
      resolve();
    }, graceMs);
    (t as { unref?: () => void }).unref?.();
    socket.onclose = () => {
      clearTimeout(t);
      resolve();
    };
    try {
      socket.close(code, reason);
    } catch {
      hardClose(socket, code, reason);
      resolve();
    }
  });
}
