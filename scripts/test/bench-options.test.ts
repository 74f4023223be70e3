// `npm run bench` options: --help, and a clear UsageError (exit 2 in main.ts) for bad input.
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, selected, UsageError } from '../bench/options.ts';

describe('bench options', () => {
  it('defaults, --quick, --filter and --json', () => {
    expect(parseBenchArgs([])).toEqual({ filter: [], json: undefined, rounds: 5, scale: 1 });
    expect(parseBenchArgs(['--quick', '--filter', 'WS Client', '--json', 'out.json'])).toEqual({ filter: ['ws client'], json: 'out.json', rounds: 3, scale: 0.1 });
    expect(selected('ws client 64 B c100', ['ws client'])).toBe(true);
    expect(selected('rest GET seq', ['ws client'])).toBe(false);
  });
  it('--help and -h', () => {
    expect(parseBenchArgs(['--help'])).toBe('help');
    expect(parseBenchArgs(['-h'])).toBe('help');
  });
  it('unknown options and out-of-range values are UsageErrors naming the problem', () => {
    for (const [args, text] of [
      [['--bogus'], "Unknown option '--bogus'"],
      [['--rounds', '0'], '--rounds must be an integer in 1..100'],
      [['--rounds', 'x'], '--rounds must be an integer in 1..100'],
      [['--scale', '0'], '--scale must be in (0, 100]'],
      [['--scale=-1'], '--scale must be in (0, 100]'],
      [['--scale', '101'], '--scale must be in (0, 100]'],
    ] as const) {
      expect(() => parseBenchArgs([...args]), args.join(' ')).toThrow(UsageError);
      expect(() => parseBenchArgs([...args])).toThrow(text);
    }
  });
});
