// Half-open detection for one socket at a time: after `intervalMs` without any inbound frame
// (or pong), probe — a ws ping where the transport has one, else an application request —
// and declare the socket dead when nothing arrives within `timeoutMs`.
import type { Logger } from '@s2sdk/core';
import { HeartbeatTimeoutError } from './errors.js';
import { supportsPing } from './transport.js';
import type { HeartbeatOptions, WebSocketLike } from './types.js';

export interface HeartbeatConfig extends HeartbeatOptions {
  /** Application-level probe for transports without ws pings (browsers, native WebSocket). Any frame received counts as liveness. */
  probe?: { type: string; payload: unknown };
}

export type ResolvedHeartbeat = Required<HeartbeatOptions> & { probe?: { type: string; payload: unknown } };

export function resolveHeartbeat(hb: HeartbeatConfig | false | undefined): ResolvedHeartbeat | false {
  if (hb === false) return false;
  return {
    intervalMs: positive(hb?.intervalMs, 30_000, 'heartbeat.intervalMs'),
    timeoutMs: positive(hb?.timeoutMs, 10_000, 'heartbeat.timeoutMs'),
    mode: hb?.mode ?? 'auto',
    ...(hb?.probe ? { probe: hb.probe } : {}),
  };
}

/** What the heartbeat needs of the client. */
export interface HeartbeatHost {
  /** Whether probing applies now (the session is open, not re-authenticating). */
  isOpen(): boolean;
  /** Sends the application probe request; its outcome is irrelevant, only that frames arrive. */
  probe(probe: { type: string; payload: unknown }, timeoutMs: number): void;
  /** The socket is dead. */
  dead(socket: WebSocketLike, error: HeartbeatTimeoutError): void;
  readonly log: Required<Logger>;
}

type PingSocket = WebSocketLike & { ping(): void; on(ev: 'pong', l: () => void): unknown; off?(ev: 'pong', l: () => void): unknown; removeListener?(ev: 'pong', l: () => void): unknown };

export class Heartbeat {
  readonly #config: ResolvedHeartbeat | false;
  readonly #host: HeartbeatHost;
  #socket: WebSocketLike | undefined;
  #interval: ReturnType<typeof setInterval> | undefined;
  #deadline: ReturnType<typeof setTimeout> | undefined;
  #rx = false;
  #onPong: (() => void) | undefined;

  constructor(config: ResolvedHeartbeat | false, host: HeartbeatHost) {
    this.#config = config;
    this.#host = host;
  }

  /** Any inbound frame or pong: the socket is alive. Cheap (called per frame). */
  received(): void {
    this.#rx = true;
    if (this.#deadline !== undefined) {
      clearTimeout(this.#deadline);
      this.#deadline = undefined;
    }
  }

  /** Starts watching `socket` (stopping any previous watch, e.g. after a login on the open socket). */
  start(socket: WebSocketLike): void {
    this.stop();
    const hb = this.#config;
    if (hb === false) return;
    const usePing = hb.mode !== 'request' && supportsPing(socket);
    if (!usePing && !hb.probe) {
      this.#host.log.debug('heartbeat disabled: the transport has no ping and no probe request is configured');
      return;
    }
    this.#socket = socket;
    if (usePing) {
      this.#onPong = () => this.received();
      (socket as PingSocket).on('pong', this.#onPong);
    }
    this.#rx = false;
    this.#interval = setInterval(() => this.#tick(socket, hb, usePing), hb.intervalMs);
  }

  #tick(socket: WebSocketLike, hb: ResolvedHeartbeat, usePing: boolean): void {
    if (this.#socket !== socket || !this.#host.isOpen()) return;
    if (this.#rx) {
      this.#rx = false;
      return;
    }
    if (this.#deadline !== undefined) return;
    this.#deadline = setTimeout(() => {
      this.#deadline = undefined;
      this.#host.log.warn('heartbeat timed out: treating the connection as dead', { timeoutMs: hb.timeoutMs });
      this.#host.dead(socket, new HeartbeatTimeoutError(hb.timeoutMs));
    }, hb.timeoutMs);
    if (usePing) {
      try {
        (socket as PingSocket).ping();
      } catch {
        /* the close event will follow */
      }
    } else if (hb.probe) {
      this.#host.probe(hb.probe, hb.timeoutMs + hb.intervalMs);
    }
  }

  stop(): void {
    if (this.#interval !== undefined) clearInterval(this.#interval);
    this.#interval = undefined;
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#deadline = undefined;
    const s = this.#socket as PingSocket | undefined;
    if (this.#onPong && s) {
      const off = s.off ?? s.removeListener;
      off?.call(s, 'pong', this.#onPong);
    }
    this.#onPong = undefined;
    this.#socket = undefined;
  }
}

function positive(v: number | undefined, dflt: number, name: string): number {
  if (v === undefined) return dflt;
  if (!(v > 0)) throw new RangeError(`${name} must be > 0`);
  return v;
}
