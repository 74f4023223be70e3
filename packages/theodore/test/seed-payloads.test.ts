// Every sample payload of the Theodore source document validates against the spec's
// schemas for its operation (ajv, JSON Schema 2020-12 as used by OpenAPI 3.1).
// The payloads are copied here verbatim (the source's `{user-email}` / `{user-password}`
// placeholders are not JSON and are filled in); tests never read the source documents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { repoRoot } from '@s2sdk/testkit';

const specPath = join(repoRoot, 'specs/vayana-theodore/openapi.yaml');
const spec = parse(readFileSync(specPath, 'utf8'));

const requestBody = {
  handle: 'user@example.com',
  password: 'user-password',
  handleType: 'email',
  tokenDurationInMins: 360,
};

const responseBody = {
  data: {
    token: '...',
    userId: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    expiry: 0,
    email: 'string',
    mobile: 'string',
    givenName: 'string',
    lastName: 'string',
    state: 'string',
    verificationStatus: 'None',
    passwordLastModified: 0,
    associatedOrgs: [
      {
        organisation: {
          id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
          name: 'string',
          taxIdentifier: 'string',
          taxIdentifierType: 'PAN',
          country: 'string',
          services: [
            {
              serviceCode: 'string',
              serviceName: 'string',
            },
          ],
        },
        userAccessInfo: {
          primary: true,
          admin: true,
        },
      },
    ],
    timezone: 'string',
    locale: 'string',
    createdOn: 0,
    lastUpdated: 0,
  },
};

function validatorFor(pointer: string) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('password', true);
  ajv.addSchema(spec, 'spec');
  return ajv.compile({ $ref: `spec#${pointer}` });
}

const op = '/paths/~1theodore~1apis~1v1~1authtokens/post';

describe('seed payloads validate against the Theodore spec', () => {
  it('the spec is self-contained (only local $refs), so it is its own bundle', () => {
    const refs = JSON.stringify(spec).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(r).toMatch(/"\$ref":"#\//);
  });

  it('the Generate Auth Token request body', () => {
    const validate = validatorFor(`${op}/requestBody/content/application~1json/schema`);
    expect(validate(requestBody), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the Generate Auth Token response body', () => {
    const validate = validatorFor(`${op}/responses/200/content/application~1json/schema`);
    expect(validate(responseBody), JSON.stringify(validate.errors)).toBe(true);
  });

  it('the documented clamping case (370) is a valid request, and invalid ones are rejected', () => {
    const validate = validatorFor(`${op}/requestBody/content/application~1json/schema`);
    expect(validate({ ...requestBody, tokenDurationInMins: 370 })).toBe(true);
    expect(validate({ ...requestBody, tokenDurationInMins: 0 })).toBe(false);
    expect(validate({ ...requestBody, tokenDurationInMins: 2.5 })).toBe(false);
    expect(validate({ ...requestBody, handleType: 'mobile' })).toBe(false);
    expect(validate({ handle: 'a', handleType: 'email' })).toBe(false);
  });
});
