// Hands @asyncapi/parser an object without it parsing the object twice.
//
// Given an object, the parser serialises it (`JSON.stringify(document, undefined, 2)`) and has
// Spectral read that text back with its YAML parser (@stoplight/yaml: a full YAML AST with
// positions), about half a second on the Niyantha document, only to get the same object again.
// While `parseObject` runs, that one text is instead read with `JSON.parse` (the same data: the
// text is JSON that this process wrote, so it has no duplicate keys and no YAML-only syntax), and
// the YAML AST, which Spectral needs only to place a finding (a diagnostic's range), is built
// from the same text on first use. Every other input reaches Spectral's YAML parser as before;
// should a new parser version stop reading its input through `Yaml.parse`, nothing changes but
// the speed.
import type { Parser } from '@asyncapi/parser';
import { Yaml } from '@stoplight/spectral-parsers/dist/yaml.js';

type ParseResult = ReturnType<typeof Yaml.parse>;

/** Texts being parsed right now by `parseObject` (concurrent loads each add their own). */
const pending = new Set<string>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  const yamlParse = Yaml.parse;
  Yaml.parse = (input: string): ParseResult => {
    if (!pending.has(input)) return yamlParse(input);
    let full: ParseResult | undefined;
    const ast = () => (full ??= yamlParse(input));
    const result = { data: JSON.parse(input) as unknown, diagnostics: [] } as unknown as ParseResult;
    for (const key of ['ast', 'lineMap', 'metadata'] as const) {
      Object.defineProperty(result, key, { enumerable: true, get: () => ast()[key] });
    }
    return result;
  };
}

/** `parser.parse(document, options)`, with the document's text read by `JSON.parse` instead of as YAML. */
export async function parseObject(parser: Parser, document: object, options: { source: string }): ReturnType<Parser['parse']> {
  install();
  const text = JSON.stringify(document, undefined, 2);
  pending.add(text);
  try {
    return await parser.parse(document as never, options);
  } finally {
    pending.delete(text);
  }
}
