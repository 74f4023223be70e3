import { packageVitestConfig } from '../../vitest.shared';

// Prism on specs/niyantha/openapi.yaml (free loopback port) for the contract tests; see test/global-setup.ts.
export default packageVitestConfig({ test: { globalSetup: ['test/global-setup.ts'] } });
