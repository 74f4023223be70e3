// A Response whose body is already in memory. `text()`, `json()`, `arrayBuffer()` and
// `bytes()` read the bytes directly instead of going through a web stream (the slow part of
// undici's Response on Node 20); `body` is a one-chunk stream made on demand (highWaterMark 0:
// nothing is pulled, and the body is not "used", until someone reads); `clone()` shares
// the bytes. The transport returns these so that a body is read within the attempt's timeout:
// made from the response it read (`source`: a Response, or createNodeFetch's `{ url, headers }`;
// else the URL), it shares that source's headers (`init.headers` is then not used) and reads its
// URL only when asked (no copy per call).

/** Marks a Response whose body is already in memory: the transport need not read it again. */
export const BUFFERED_BODY: unique symbol = Symbol.for('s2sdk.bufferedBody') as never;

const decoder = new TextDecoder();

/** What a MemoryResponse takes its URL and headers from (a Response is one). */
export interface ResponseSource {
  readonly url: string;
  readonly headers: Headers;
}

export class MemoryResponse extends Response {
  readonly [BUFFERED_BODY] = true;
  readonly #bytes: Uint8Array | null;
  readonly #source: string | ResponseSource;
  #used = false;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;

  constructor(bytes: Uint8Array | null, source: string | ResponseSource, init: ResponseInit) {
    super(null, init);
    this.#bytes = bytes;
    this.#source = source;
  }

  override get url(): string {
    return typeof this.#source === 'string' ? this.#source : this.#source.url;
  }

  override get headers(): Headers {
    return typeof this.#source === 'string' ? super.headers : this.#source.headers;
  }

  override get bodyUsed(): boolean {
    return this.#used;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#stream !== undefined) return this.#stream;
    const bytes = this.#bytes;
    this.#stream = bytes === null ? null : new ReadableStream<Uint8Array<ArrayBuffer>>({
      pull: (controller) => {
        this.#take();
        if (bytes.byteLength) controller.enqueue(bytes as Uint8Array<ArrayBuffer>);
        controller.close();
      },
    }, { highWaterMark: 0 });
    return this.#stream;
  }

  #take(): Uint8Array {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes ?? new Uint8Array(0);
  }

  #settle<T>(read: (bytes: Uint8Array) => T): Promise<T> {
    try {
      return Promise.resolve(read(this.#take()));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  override text(): Promise<string> {
    return this.#settle((b) => decoder.decode(b));
  }

  override json(): Promise<any> {
    return this.#settle((b) => JSON.parse(decoder.decode(b)));
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#settle((b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer);
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#settle((b) => new Uint8Array(b) as Uint8Array<ArrayBuffer>);
  }

  override blob(): Promise<Blob> {
    const type = this.headers.get('content-type') ?? '';
    return this.#settle((b) => new Blob([b as Uint8Array<ArrayBuffer>], { type }));
  }

  override formData(): Promise<FormData> {
    return this.#settle((b) => b).then((b) => new Response(b as Uint8Array<ArrayBuffer>, { headers: this.headers }).formData());
  }

  override clone(): Response {
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new MemoryResponse(this.#bytes, this.url, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}
