#!/usr/bin/env node
// s2sdk-asyncapi-codegen <asyncapi.yaml> --out <dir> [--label <name>] [--check]
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AsyncApiCodegenError } from './errors';
import { generate } from './index';

const USAGE = `Usage: s2sdk-asyncapi-codegen <asyncapi.yaml> --out <dir> [--label <spec label>] [--check]

Generates operations.gen.ts and schemas.gen.json from an AsyncAPI 3 request/reply document.
  --out <dir>      directory to write the files to (created if missing)
  --label <name>   how the do-not-edit header names the spec (default: the input path)
  --check          do not write; exit 1 if the files in --out differ from what would be generated`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { out: { type: 'string' }, label: { type: 'string' }, check: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    process.stderr.write(`s2sdk-asyncapi-codegen: ${(err as Error).message}\n\n${USAGE}\n`);
    return 1;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || !values.out) {
    process.stderr.write(`s2sdk-asyncapi-codegen: expected one input document and --out <dir>\n\n${USAGE}\n`);
    return 1;
  }
  const input = positionals[0]!;
  let files: Record<string, string>;
  try {
    ({ files } = await generate({ input, ...(values.label ? { specLabel: values.label } : {}) }));
  } catch (err) {
    if (err instanceof AsyncApiCodegenError) {
      process.stderr.write(`s2sdk-asyncapi-codegen: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const out = resolve(values.out);
  if (values.check) {
    const stale = Object.entries(files)
      .filter(([name, content]) => !existsSync(join(out, name)) || readFileSync(join(out, name), 'utf8') !== content)
      .map(([name]) => name);
    if (stale.length) {
      process.stderr.write(`s2sdk-asyncapi-codegen: out of date in ${out}: ${stale.join(', ')} (run \`npm run generate\`)\n`);
      return 1;
    }
    return 0;
  }
  mkdirSync(out, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(out, name), content);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`s2sdk-asyncapi-codegen: unexpected failure: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
