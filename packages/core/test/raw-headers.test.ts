import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { RawHeaders } from '../src/raw-headers';

// node:http's rawHeaders layout: [name, value, name, value, …], names as the server cased them.
const RAW = ['Content-Type', 'application/json', 'X-Multi', 'a', 'x-multi', 'b', 'Set-Cookie', 's=1', 'Set-Cookie', 't=2', 'X-Pad', ' \tpadded \t', 'Content-Length', '0'];
const standard = () => {
  const h = new Headers();
  for (let i = 0; i < RAW.length; i += 2) h.append(RAW[i]!, RAW[i + 1]!);
  return h;
};

describe('RawHeaders', () => {
  it('answers get and has as a Headers filled from the same pairs does', () => {
    const std = standard();
    for (const name of ['content-type', 'CONTENT-TYPE', 'x-multi', 'set-cookie', 'x-pad', 'content-length', 'x-missing', 'X-Multi']) {
      const raw = new RawHeaders(RAW);
      expect([raw.get(name), raw.has(name)], name).toEqual([std.get(name), std.has(name)]);
    }
  });

  it('iterates, copies, inspects and serializes like a standard Headers', () => {
    const std = standard();
    expect([...new RawHeaders(RAW)]).toEqual([...std]);
    expect([...new RawHeaders(RAW).entries()]).toEqual([...std.entries()]);
    expect([...new RawHeaders(RAW).keys()]).toEqual([...std.keys()]);
    expect([...new RawHeaders(RAW).values()]).toEqual([...std.values()]);
    const seen: [string, string][] = [];
    new RawHeaders(RAW).forEach((v, k) => seen.push([k, v]));
    expect(seen).toEqual([...std]);
    expect(new RawHeaders(RAW).getSetCookie()).toEqual(['s=1', 't=2']);
    // Copies read it through its iterator, never an internal list that may still be empty.
    expect([...new Headers(new RawHeaders(RAW))]).toEqual([...std]);
    expect([...new Response(null, { headers: new RawHeaders(RAW) }).headers]).toEqual([...new Response(null, { headers: std }).headers]);
    expect(inspect(new RawHeaders(RAW))).toBe(inspect(standard()));
    expect(new RawHeaders(RAW)).toBeInstanceOf(Headers);
  });

  it('keeps every pair when it is changed, and from then on behaves as a standard Headers', () => {
    const cases: [string, (h: Headers) => void][] = [
      ['set', (h) => h.set('X-Multi', 'c')],
      ['append', (h) => h.append('x-new', '1')],
      ['delete', (h) => h.delete('content-length')],
    ];
    for (const [what, change] of cases) {
      const raw = new RawHeaders(RAW);
      const std = standard();
      change(raw);
      change(std);
      expect([...raw], what).toEqual([...std]);
      expect([raw.get('x-multi'), raw.has('content-length'), raw.get('content-type')], what).toEqual([std.get('x-multi'), std.has('content-length'), std.get('content-type')]);
    }
  });

  it('rejects what a standard Headers rejects (invalid names) and has nothing for an empty array', () => {
    expect(() => new RawHeaders(RAW).get('bad name')).toThrow(TypeError);
    expect(() => new RawHeaders(RAW).has('bad\nname')).toThrow(TypeError);
    const empty = new RawHeaders([]);
    expect([empty.get('content-type'), empty.has('x'), [...empty]]).toEqual([null, false, []]);
  });

  it('does not change the array it was given', () => {
    const copy = [...RAW];
    const h = new RawHeaders(copy);
    h.set('x-multi', 'z');
    h.delete('x-pad');
    expect(copy).toEqual(RAW);
  });
});
