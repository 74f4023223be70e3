/**
 * Thrown when an AsyncAPI document cannot be read or does not follow the request/reply
 * conventions. `problems` lists every problem found (one line each); the message lists
 * them too, so printing the error is enough to fix the document.
 */
export class AsyncApiCodegenError extends Error {
  override readonly name = 'AsyncApiCodegenError';
  readonly source: string;
  readonly problems: readonly string[];

  constructor(source: string, headline: string, problems: readonly string[]) {
    const list = problems.map((p) => `  - ${p}`).join('\n');
    super(`${source}: ${headline}${problems.length ? `:\n${list}` : ''}`);
    this.source = source;
    this.problems = [...problems];
  }
}
