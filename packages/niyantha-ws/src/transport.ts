// Picks the WebSocket implementation: an injected constructor, else the global one
// (browsers, Node >= 22), else the optional peer `ws` loaded lazily. The specifier is kept
// out of static analysis so browser bundles never include `ws` or node builtins.
import type { WebSocketConstructor } from './types.js';
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
