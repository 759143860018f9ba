export type BuildTarget = 'ui' | 'backend' | 'host' | 'cli';
export declare const REPO_ROOT: string;
export declare const TARGETS: Record<BuildTarget, { workspace: string; inputs: string[]; outputs: string[] }>;
export declare function buildReason(name: BuildTarget): 'missing' | 'out of date' | undefined;
export declare function ensureBuilt(names?: BuildTarget[], options?: { log?: (line: string) => void }): Promise<void>;
