// A lightweight stand-in for `Request` that openapi-fetch builds (its `Request` option) when
// the client runs on the global fetch or on createNodeFetch(). It keeps the serialized body
// (a JSON string, FormData, bytes…) and the headers as plain values: no web stream, no body
// copy, no clone to make a request re-sendable. The transport hands it to the global fetch as
// `fetch(url, init)` and createNodeFetch() writes it straight to its keep-alive agent.
// Middleware sees the usual surface: method, url, headers (a Headers), signal, clone(), text()…
// `idempotent` is the operation's `x-idempotent` mark, set by the typed client for the
// transport's retry rules (a field: a `requestHints` WeakMap entry per call is costly to set and
// to collect).

/** Marks a {@link PlainRequest} (a symbol shared across bundles: `@s2sdk/core` and `@s2sdk/core/node`). */
export const PLAIN_REQUEST: unique symbol = Symbol.for('s2sdk.plainRequest') as never;
/** Marks a fetch that accepts a {@link PlainRequest} as its input (createNodeFetch). */
export const ACCEPTS_PLAIN: unique symbol = Symbol.for('s2sdk.acceptsPlainRequest') as never;

type PlainBody = Exclude<RequestInit['body'], undefined>;

export class PlainRequest {
  readonly [PLAIN_REQUEST] = true;
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly signal: AbortSignal | null;
  readonly redirect: RequestRedirect;
  /** The serialized body as given (null when none). */
  readonly rawBody: PlainBody | null;
  declare idempotent: boolean | undefined;
  #used = false;
  /** The other fields of the init (credentials, cache, keepalive…): they go to the fetch too. */
  #extra: Record<string, unknown> | undefined;

  constructor(url: string | URL, init: RequestInit = {}) {
    this.url = String(url);
    this.method = (init.method ?? 'GET').toUpperCase();
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.signal = init.signal ?? null;
    this.redirect = init.redirect ?? 'follow';
    this.rawBody = init.body ?? null;
    if (this.rawBody !== null && (this.method === 'GET' || this.method === 'HEAD')) throw new TypeError('Request with GET/HEAD method cannot have body.');
    for (const k in init) if (!(k in this)) (this.#extra ??= {})[k] = init[k as keyof RequestInit];
  }

  /** True when the body can be sent again as is (everything but a one-shot stream). */
  get replayable(): boolean {
    return !(this.rawBody instanceof ReadableStream);
  }

  /** The RequestInit for `fetch(url, init)`. */
  init(signal?: AbortSignal): RequestInit & { duplex?: 'half' } {
    const init: RequestInit & { duplex?: 'half' } = { method: this.method, headers: this.headers, redirect: this.redirect, signal: signal ?? this.signal };
    if (this.#extra) Object.assign(init, this.#extra);
    if (this.rawBody !== null) {
      init.body = this.rawBody;
      if (this.rawBody instanceof ReadableStream) init.duplex = 'half';
    }
    return init;
  }

  /** An equivalent standard Request (for fetch implementations that need one). */
  toRequest(signal?: AbortSignal): Request {
    return new Request(this.url, this.init(signal));
  }

  /** A stream of a copy of the body (reading it does not use up this request). */
  get body(): ReadableStream<Uint8Array> | null {
    return this.rawBody === null || !this.replayable ? (this.rawBody as ReadableStream<Uint8Array> | null) : this.toRequest().body;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  clone(): PlainRequest {
    if (!this.replayable) return this.toRequest() as unknown as PlainRequest;
    return new PlainRequest(this.url, { ...this.init(), headers: new Headers(this.headers) });
  }

  text(): Promise<string> {
    return this.#standard().text();
  }
  json(): Promise<unknown> {
    return this.#standard().json();
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.#standard().arrayBuffer();
  }
  blob(): Promise<Blob> {
    return this.#standard().blob();
  }
  formData(): Promise<FormData> {
    return this.#standard().formData();
  }

  #standard(): Request {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.toRequest();
  }

  /** `new Request(plain)` and `String(plain)` see the URL. */
  toString(): string {
    return this.url;
  }
}

export function isPlainRequest(input: unknown): input is PlainRequest {
  return typeof input === 'object' && input !== null && (input as Record<symbol, unknown>)[PLAIN_REQUEST] === true;
}
