// Error names must survive minification (see core's error-names test): every error class this
// package exports declares its name as a string literal.
import { describe, expect, it } from 'vitest';
import { S2sdkError } from '@s2sdk/core';
import { errorNameProblems } from '@s2sdk/testkit';
import * as ws from '../src/index.js';

describe('error names survive minification', () => {
  it('every exported error class declares its own errorName, equal to its export name', () => {
    const { classes, problems } = errorNameProblems(ws, S2sdkError);
    expect(classes).toContain('WsRequestError');
    expect(classes).toContain('StreamOverflowError');
    expect(problems).toEqual([]);
  });
});
