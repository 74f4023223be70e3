// Starts Prism on the spec once per test run; contract tests read its URL with inject('platformAuthPrism').
import { prismGlobalSetup } from '@s2sdk/testkit';

declare module 'vitest' {
  export interface ProvidedContext {
    platformAuthPrism: string;
  }
}

export default prismGlobalSetup({ platformAuthPrism: 'specs/platform-auth/openapi.yaml' });
