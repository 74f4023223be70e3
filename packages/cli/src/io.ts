// Terminal I/O of the CLI: injectable streams, prompts only on a TTY, typed usage errors.
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';

export interface Io {
  stdin: Readable & { isTTY?: boolean };
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

/** A problem the user can fix; exits with `exitCode` and prints only `message`. */
export class CliError extends Error {
  override name = 'CliError';
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export async function prompt(io: Io, question: string, what: string): Promise<string> {
  if (!io.stdin.isTTY) throw new CliError(`${what} is needed but stdin is not a terminal; ${hintFor(what)}`, 2);
  const rl = createInterface({ input: io.stdin, output: io.stderr, terminal: true });
  try {
    return (await rl.question(question)).trim();
  } finally {
    rl.close();
  }
}

const hintFor = (what: string) =>
  what === 'session token' ? 'set S2SDK_SESSION_TOKEN or run `s2sdk login` first' : what === 'OTP' ? 'pass --otp or run interactively' : `pass it as an option`;

/** Masks a secret for display: first 4 characters, then `…` and the length. */
export const mask = (s: string) => (s.length <= 8 ? '****' : `${s.slice(0, 4)}…(${s.length} chars)`);
