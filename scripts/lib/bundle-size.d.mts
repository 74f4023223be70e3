// Types of bundle-size.mjs (for the TypeScript bench harness).
export function browserBundleSize(entry: { from: string; names?: string[]; source?: 'dist' | 'src'; root?: string }): Promise<{ gzip: number; minified: number }>;
export function bundleBudgets(root?: string): { name: string; from: string; names?: string[]; budget: number; goal?: number }[];
