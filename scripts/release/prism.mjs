// Prism (the workspace's @stoplight/prism-cli) as a mock server on a free loopback port.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { repoRoot } from '../lib/discover.mjs';

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
      srv.close(() => res(port));
    });
  });
}

/** Stops a detached child and its process group (Prism starts workers); resolves once it exited. */
function stopGroup(child) {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res(undefined);
    child.once('exit', () => res(undefined));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      try {
        child.kill('SIGTERM');
      } catch {
        res(undefined);
      }
    }
  });
}

/**
 * Starts `prism mock <spec>` on 127.0.0.1 and a free port; resolves `{ url, stop }` once it is
 * listening. When it does not start (it exits, or says nothing within `timeoutMs`), the child
 * (a detached process group) is killed before the promise rejects — nothing is left running.
 * @param {string} specAbs
 * @param {{ env?: Record<string, string | undefined>, timeoutMs?: number, command?: string[] }} [opts]
 *   command: the program and arguments before `mock` (default: node + the workspace's Prism CLI)
 */
export async function startPrism(specAbs, { env = process.env, timeoutMs = 120_000, command } = {}) {
  const port = await freePort();
  const [cmd, ...pre] = command ?? [process.execPath, join(repoRoot, 'node_modules/@stoplight/prism-cli/dist/index.js')];
  const child = spawn(cmd, [...pre, 'mock', specAbs, '-h', '127.0.0.1', '-p', String(port)], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });
  let output = '';
  try {
    await new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`Prism did not start on ${specAbs} within ${timeoutMs} ms:\n${output}`)), timeoutMs);
      const onData = (c) => {
        output += c.toString();
        if (/listening on/i.test(output)) {
          clearTimeout(timer);
          res(undefined);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', (err) => {
        clearTimeout(timer);
        rej(new Error(`Prism could not be started on ${specAbs}: ${err.message}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        rej(new Error(`Prism exited (${code}) on ${specAbs}:\n${output}`));
      });
    });
  } catch (err) {
    await stopGroup(child);
    throw err;
  }
  child.stdout.resume();
  child.stderr.resume();
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, stop: () => stopGroup(child) };
}
