// Error names must survive minification: bundlers rename classes, so each error class carries
// its name as a string literal (`errorName`), and `err.name` is read from it.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { errorNameProblems } from '@s2sdk/testkit';
import * as core from '../src/index.js';
import { S2sdkError } from '../src/errors.js';

describe('error names', () => {
  it('every exported error class declares its own errorName, equal to its export name', () => {
    const { classes, problems } = errorNameProblems(core, S2sdkError);
    expect(classes.length).toBeGreaterThan(10);
    expect(classes).toContain('S2sdkError');
    expect(problems).toEqual([]);
  });

  it('a subclass without its own errorName is named by its class', () => {
    class MyError extends core.NotFoundError {}
    const err = new MyError({ status: 404, body: {}, headers: new Headers(), method: 'GET', url: 'http://x/y' } as never);
    expect(err.name).toBe('MyError');
  });

  it('names survive a minified browser bundle', async () => {
    const out = await build({
      stdin: { contents: `import { TimeoutError, NetworkError } from './src/index.ts'; globalThis.names = [new TimeoutError('attempt', 5).name, new NetworkError('x').name];`, resolveDir: new URL('..', import.meta.url).pathname, loader: 'ts' },
      bundle: true,
      minify: true,
      format: 'iife',
      platform: 'browser',
      write: false,
    });
    const g: { names?: string[] } = {};
    new Function('globalThis', out.outputFiles[0]!.text)(g);
    expect(g.names).toEqual(['TimeoutError', 'NetworkError']);
  });
});
