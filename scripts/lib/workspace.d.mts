// Types of workspace.mjs (for the TypeScript tests and the bench harness).
export const repoRoot: string;
export interface WorkspacePackage {
  dir: string;
  relDir: string;
  name: string;
  pkg: {
    name: string;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
    optionalDependencies?: Record<string, string>;
    [key: string]: unknown;
  };
  openapi?: string;
  asyncapi?: string;
}
export function workspacePackages(root?: string): WorkspacePackage[];
export function specDocuments(root?: string): { api: string; kind: 'openapi' | 'asyncapi'; path: string; abs: string }[];
