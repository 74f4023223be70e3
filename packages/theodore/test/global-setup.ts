// Starts Prism on the spec once per test run; contract tests read its URL with inject('theodorePrism').
import { prismGlobalSetup } from '@s2sdk/testkit';

declare module 'vitest' {
  export interface ProvidedContext {
    theodorePrism: string;
  }
}

export default prismGlobalSetup({ theodorePrism: 'specs/vayana-theodore/openapi.yaml' });
