// ws-mock defines nothing of the protocol itself: close codes, envelope rule and error codes are @s2sdk/ws-protocol's.
import { CloseCode } from '@s2sdk/ws-protocol';
import { describe, expect, it } from 'vitest';
import { CloseCodes } from '../src/index';

describe('the protocol comes from @s2sdk/ws-protocol', () => {
  it('CloseCodes is an alias of the protocol table, with the names ws-mock always exported', () => {
    expect(CloseCodes).toBe(CloseCode);
    expect([CloseCodes.NOT_AN_ENVELOPE, CloseCodes.AUTH_FAILED, CloseCodes.AUTH_TIMEOUT]).toEqual([4400, 4401, 4408]);
  });
});
