import { packageVitestConfig } from '../../vitest.shared';

// Prism on the Platform auth spec (free loopback port) for the contract tests; see test/global-setup.ts.
export default packageVitestConfig({ test: { globalSetup: ['test/global-setup.ts'] } });
