import { packageVitestConfig } from '../../vitest.shared';

export default packageVitestConfig({ test: { testTimeout: 90_000 } });
