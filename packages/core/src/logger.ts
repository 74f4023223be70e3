import { redact, scrub } from './redact.js';

/** Structured logger: any object with some of these methods (console, pino, winston all fit). */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Wraps a user logger so every message is scrubbed and every field redacted before it is handed over. */
export function safeLogger(logger: Logger | undefined): Required<Logger> {
  const emit = (level: LogLevel) => (message: string, fields?: Record<string, unknown>) => {
    const fn = logger?.[level];
    if (!fn) return;
    try {
      fn.call(logger, scrub(message), fields === undefined ? undefined : redact(fields));
    } catch {
      /* a failing logger must never break a request */
    }
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}
