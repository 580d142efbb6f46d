export interface NativeStep {
  work: string;
  electronVersion: string;
  env: NodeJS.ProcessEnv;
}
export declare function fetchPrebuilt(options: NativeStep & { prebuildInstall: string; platform?: string; arch?: string; log?: (line: string) => void }): boolean;
export declare function compileWithNodeGyp(options: NativeStep): void;
export declare function ensureElectronSqlite(options: {
  sqliteDir: string;
  electronVersion: string;
  outDir: string;
  workDir: string;
  prebuildInstall: string;
  fetch?: (options: NativeStep & { prebuildInstall: string; log: (line: string) => void }) => boolean;
  compile?: (options: NativeStep) => void;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
}): 'present' | 'prebuilt' | 'compiled';
