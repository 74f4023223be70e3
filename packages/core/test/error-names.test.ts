// Error names must survive minification: bundlers rename classes, so each error class carries
// its name as a string literal (`errorName`), and `err.name` is read from it.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import { S2sdkError } from '../src/errors.js';

const errorClasses = Object.entries(core).filter(([, v]) => typeof v === 'function' && (v === S2sdkError || v.prototype instanceof S2sdkError)) as [string, typeof S2sdkError][];

describe('error names', () => {
  it('every exported error class declares its own errorName, equal to its export name', () => {
    expect(errorClasses.length).toBeGreaterThan(10);
    for (const [name, cls] of errorClasses) {
      expect(Object.hasOwn(cls, 'errorName'), name).toBe(true);
      expect(cls.errorName).toBe(name);
    }
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
