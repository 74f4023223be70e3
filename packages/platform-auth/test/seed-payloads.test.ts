// Every sample payload of the Platform auth source document validates against the
// spec's schema for its operation (ajv, JSON Schema 2020-12 as used by OpenAPI 3.1).
// Payloads (including those of the curl commands) are copied here verbatim; tests
// never read the source documents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { repoRoot } from '@s2sdk/testkit';

const spec = parse(readFileSync(join(repoRoot, 'specs/platform-auth/openapi.yaml'), 'utf8'));

const seed = {
  loginRequest: { email: 'string', password: 'string' },
  loginRequestCurl: { email: 'staff@apexcommerce.com', password: 'password' },
  loginSuccess: {
    status: 'success',
    data: {
      token:
        'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE2ODA2Njc3MzMsImlkIjoiYzU5YWFmZWYtNzJjMC00OGVkLWJjOGQtNzY0YmJjMjg1YjU4IiwianRpIjoiZTA5ZTlmNzctYjc2NS00NzdkLTk0YzctODdjNmRjNjc4YzU2IiwiaWF0IjoxNjgwNjY3MTMzLCJzdWIiOiJzdGFmZiJ9.DIh5DD9kb7A3zulSo3Wmuxp0Q6C6awHp8LX0DlgNQ7E',
      error: null,
    },
  },
  loginFailure: { status: 'failure', data: { token: null, error: 'some error message' } },
  tokenRequest: { grant_type: 'password', password: 'otp', username: 'token' },
  tokenRequestCurl: {
    username:
      'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE2ODA3NzAyMzEsImlkIjoiZWM3ZWI2OGYtMGRlYi00Y2M3LWE5MmQtMTQ2OGUyYzNjNTU0IiwianRpIjoiNTY4NmU0ZTgtMWMzOS00MzFmLWJjZTYtNGM2OTkxODFiYjBmIiwiaWF0IjoxNjgwNzY5NjMxLCJzdWIiOiJzdGFmZiJ9.RRjLAFQMjLPiXHUphK1TaX_qs64M5J8WGIxY-zABDVk',
    password: '100100',
    grant_type: 'password',
  },
  tokenSuccess: {
    access_token: 'bgcELuHgoVxBqrdiVNne0WxBLsV9Fk45Y1ZsTRW_L1s',
    token_type: 'Bearer',
    expires_in: 7200,
    refresh_token: '1DY2Lds8KU97IJF63PpaN_A8ucuDDSHaDOT6Y7b_lrQ',
    created_at: 1680667245,
  },
  tokenFailure: {
    error: 'invalid_grant',
    error_description:
      'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
  },
  refreshRequest: { grant_type: 'refresh_token', refresh_token: 'token' },
  refreshRequestCurl: { grant_type: 'refresh_token', refresh_token: 'iWaTHakJEB18WtrS1h9Q0wmVw1FLFA1S4LBiVywtlHg' },
  revokeRequest: { token: 'string' },
  revokeRequestCurl: { token: 'iDJYbofANxyB5w4iwDW1nrmlTdiKsNAkLHpBHQkUlX4' },
  revokeResponse: {},
  resendRequest: { email: 'string', token: 'string' },
  resendRequestCurl: {
    email: 'staff@apexcommerce.com',
    token:
      'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE2ODA3NzEyMTIsImlkIjoiZWM3ZWI2OGYtMGRlYi00Y2M3LWE5MmQtMTQ2OGUyYzNjNTU0IiwianRpIjoiYjhiOTJkYjgtZmY1OS00YzdkLWJiZGQtZTFiZmI1NThiYmYxIiwiaWF0IjoxNjgwNzcwNjEyLCJzdWIiOiJzdGFmZiJ9.KqxWN4DLwxvXZ_VGazoNTpIJmWseauv_uUJ56lSZdoA',
  },
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addFormat('password', true);
ajv.addSchema(spec, 'spec');
const esc = (p: string) => p.replace(/~/g, '~0').replace(/\//g, '~1');
const request = (path: string) => ajv.compile({ $ref: `spec#/paths/${esc(path)}/post/requestBody/content/application~1json/schema` });
const response = (path: string, status: number) => {
  const r = spec.paths[path].post.responses[String(status)];
  const pointer = r.$ref ? r.$ref.slice(1) : `/paths/${esc(path)}/post/responses/${status}`;
  return ajv.compile({ $ref: `spec#${pointer}/content/application~1json/schema` });
};

function check(validate: ReturnType<typeof ajv.compile>, payload: unknown) {
  expect(validate(payload), JSON.stringify(validate.errors)).toBe(true);
}

const LOGIN = '/api/platform/v1/login';
const RESEND = '/api/platform/v1/login/resend_otp';
const TOKEN = '/api/platform/v1/token';
const REVOKE = '/api/platform/v1/token/revoke';

describe('seed payloads validate against the Platform auth spec', () => {
  it('the spec is self-contained (only local $refs), so it is its own bundle', () => {
    for (const r of JSON.stringify(spec).match(/"\$ref":"[^"]*"/g) ?? []) expect(r).toMatch(/"\$ref":"#\//);
  });

  it('login: request bodies (documented + curl), success and failure', () => {
    check(request(LOGIN), seed.loginRequest);
    check(request(LOGIN), seed.loginRequestCurl);
    check(response(LOGIN, 200), seed.loginSuccess);
    for (const status of [400, 401, 422]) check(response(LOGIN, status), seed.loginFailure);
  });

  it('resend OTP: bodies valid on both modelled routes; answers like login', () => {
    for (const path of [RESEND, LOGIN]) {
      check(request(path), seed.resendRequest);
      check(request(path), seed.resendRequestCurl);
    }
    check(response(RESEND, 200), seed.loginSuccess);
    check(response(RESEND, 401), seed.loginFailure);
  });

  it('token: password grant and refresh grant bodies, success, failure', () => {
    for (const body of [seed.tokenRequest, seed.tokenRequestCurl, seed.refreshRequest, seed.refreshRequestCurl]) check(request(TOKEN), body);
    check(response(TOKEN, 200), seed.tokenSuccess);
    check(response(TOKEN, 400), seed.tokenFailure);
    check(response(TOKEN, 401), seed.tokenFailure);
  });

  it('revoke: bodies and the always-empty answer', () => {
    check(request(REVOKE), seed.revokeRequest);
    check(request(REVOKE), seed.revokeRequestCurl);
    check(response(REVOKE, 200), seed.revokeResponse);
  });

  it('the schemas reject what the decisions exclude', () => {
    const token = request(TOKEN);
    // The refresh table's "grant_type: password" with a refresh_token is not a valid request.
    expect(token({ grant_type: 'password', refresh_token: 'token' })).toBe(false);
    expect(token({ grant_type: 'client_credentials' })).toBe(false);
    const login = request(LOGIN);
    expect(login({ email: 'a', password: 'b', token: 'c' })).toBe(false);
    expect(login({ email: 'a' })).toBe(false);
    expect(response(REVOKE, 200)({ revoked: true })).toBe(false);
    expect(response(LOGIN, 200)(seed.loginFailure)).toBe(false);
  });
});
