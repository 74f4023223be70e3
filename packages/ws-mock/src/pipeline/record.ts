// The log of received frames: every frame is kept with its credentials redacted, in bounded logs
// (count and bytes), before any stage runs.
import { inspect } from 'node:util';
import { needsRedaction, redactDeep, redactRaw } from '../redact';
import type { ReceivedFrameData } from '../types';

/**
 * A frame received from a client, as the mock keeps it: credentials are already redacted in
 * `frame` and `raw` (the values of `secret`, `token`, `password`, … fields are `[REDACTED]`).
 */
export class ReceivedFrame implements ReceivedFrameData {
  readonly connection: number;
  readonly raw: string;
  readonly frame?: ReceivedFrameData['frame'];

  constructor(data: ReceivedFrameData) {
    this.connection = data.connection;
    this.raw = data.raw;
    if (data.frame) this.frame = data.frame;
  }

  toJSON() {
    return { connection: this.connection, frame: this.frame ? redactDeep(this.frame) : undefined, raw: this.frame ? '[see frame]' : `[${this.raw.length} chars]` };
  }

  [inspect.custom]() {
    return `ReceivedFrame ${inspect(this.toJSON(), { depth: 6, breakLength: Infinity })}`;
  }
}

/** A received frame's redacted parts: `raw` always, `frame` when the text was an envelope. */
export interface Redacted {
  raw: string;
  frame: ReceivedFrameData['frame'] | undefined;
}

/**
 * `raw` and its JSON value `parsed` (undefined when not JSON) with the values of
 * credential-looking fields, `values` (the credentials of a login) and `known` (the configured
 * secrets) redacted; `frame` is the redacted envelope when `envelope`. A frame with nothing to
 * redact is kept as it is (its parsed envelope is shared, not copied) unless `isolate` (the
 * envelope goes to user code, which could change it).
 */
export function redactReceived(raw: string, parsed: unknown, envelope: boolean, known: readonly string[], values: readonly unknown[], isolate = false): Redacted {
  if (isolate && envelope) return { raw: redactRaw(raw, parsed, known, values), frame: redactDeep(parsed, values.length ? [...values, ...known] : known) as ReceivedFrameData['frame'] };
  let clean = values.length === 0;
  if (clean) for (const k of known) if (raw.includes(k)) clean = false;
  if (clean && parsed !== undefined && needsRedaction(parsed, known)) clean = false;
  if (clean) return { raw, frame: envelope ? (parsed as ReceivedFrameData['frame']) : undefined };
  const all = values.length ? [...values, ...known] : known;
  return {
    raw: redactRaw(raw, parsed, known, values),
    frame: envelope ? (redactDeep(parsed, all) as ReceivedFrameData['frame']) : undefined,
  };
}

/**
 * The most recent frames, at most `max` of them and `maxBytes` of raw text (oldest dropped first;
 * the newest is always kept). `entries` is the array users read (`server.received`).
 */
export class FrameLog {
  readonly entries: ReceivedFrame[] = [];
  #bytes = 0;

  constructor(
    readonly max: number,
    readonly maxBytes: number,
  ) {}

  add(entry: ReceivedFrame): void {
    if (this.max === 0) return;
    const log = this.entries;
    log.push(entry);
    let bytes = this.#bytes + entry.raw.length;
    let drop = 0;
    while (drop < log.length - 1 && (log.length - drop > this.max || bytes > this.maxBytes)) bytes -= log[drop++]!.raw.length;
    if (drop === 1) log.shift();
    else if (drop) log.splice(0, drop);
    this.#bytes = bytes;
  }
}
