// Starts Prism on the Niyantha REST spec once per test run; contract tests read its URL with inject('niyanthaPrism').
import { prismGlobalSetup } from '@s2sdk/testkit';

declare module 'vitest' {
  export interface ProvidedContext {
    niyanthaPrism: string;
  }
}

export default prismGlobalSetup({ niyanthaPrism: 'specs/niyantha/openapi.yaml' });
