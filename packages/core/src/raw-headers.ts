// The Headers of a response createNodeFetch() read: a standard `Headers` (instanceof, every
// method) over node:http's `rawHeaders` array ([name, value, name, value, …]), filled only
// when it has to be. Filling a Headers from the pairs (undici validates and normalizes each
// one) was the costliest part of building a response; `get` and `has`, what a client reads
// per call (content-type, content-length), scan the array instead. Any other use (iteration,
// changes, getSetCookie, util.inspect, `new Headers(h)`) fills the Headers first and then
// behaves exactly as a standard one, from then on for good.

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;
const INSPECT = Symbol.for('nodejs.util.inspect.custom');

export class RawHeaders extends Headers {
  #raw: readonly string[] | undefined;

  /** `raw` is read, never changed; it must not change afterwards (node:http's rawHeaders do not). */
  constructor(raw: readonly string[]) {
    super();
    this.#raw = raw.length ? raw : undefined;
  }

  #fill(): void {
    const raw = this.#raw;
    if (raw === undefined) return;
    this.#raw = undefined;
    for (let i = 0; i < raw.length; i += 2) super.append(raw[i]!, raw[i + 1]!);
  }

  /**
   * The value a standard Headers filled from the pairs gives for `name` (null when absent), read
   * from the pairs; undefined when the standard path must answer: the Headers is filled already,
   * or the name is not a plain token (the standard path may reject it: then it is filled first).
   */
  #lookup(name: string): string | null | undefined {
    const raw = this.#raw;
    const lower = typeof name === 'string' ? name.toLowerCase() : '';
    if (raw === undefined || !TOKEN.test(lower)) {
      this.#fill();
      return undefined;
    }
    let value: string | null = null;
    for (let i = 0; i < raw.length; i += 2) {
      const k = raw[i]!;
      if (k.length !== lower.length || k.toLowerCase() !== lower) continue;
      // A standard Headers trims values (HTTP whitespace) and joins repeated names with ", ".
      const v = trim(raw[i + 1]!);
      value = value === null ? v : `${value}, ${v}`;
    }
    return value;
  }

  override get(name: string): string | null {
    const value = this.#lookup(name);
    return value === undefined ? super.get(name) : value;
  }

  override has(name: string): boolean {
    const value = this.#lookup(name);
    return value === undefined ? super.has(name) : value !== null;
  }

  override set(name: string, value: string): void {
    this.#fill();
    super.set(name, value);
  }
  override append(name: string, value: string): void {
    this.#fill();
    super.append(name, value);
  }
  override delete(name: string): void {
    this.#fill();
    super.delete(name);
  }
  override getSetCookie(): string[] {
    this.#fill();
    return super.getSetCookie();
  }
  override forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    this.#fill();
    super.forEach(callback, thisArg);
  }
  override entries(): HeadersIterator<[string, string]> {
    this.#fill();
    return super.entries();
  }
  override keys(): HeadersIterator<string> {
    this.#fill();
    return super.keys();
  }
  override values(): HeadersIterator<string> {
    this.#fill();
    return super.values();
  }
  // Its own iterator also keeps undici from reading the (maybe still empty) internal list of a
  // Headers whose iterator is the standard one when it is copied (`new Headers(h)`, `new Response(…, { headers: h })`).
  override [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }
  [INSPECT](...args: unknown[]): unknown {
    this.#fill();
    return (Headers.prototype as unknown as Record<symbol, (...a: unknown[]) => unknown>)[INSPECT]!.apply(this, args);
  }
}

/** HTTP whitespace (tab, space, CR, LF) off both ends, as a standard Headers stores values. */
function trim(v: string): string {
  const first = v.charCodeAt(0);
  const last = v.charCodeAt(v.length - 1);
  return first === 32 || first === 9 || first === 10 || first === 13 || last === 32 || last === 9 || last === 10 || last === 13 ? v.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '') : v;
}
