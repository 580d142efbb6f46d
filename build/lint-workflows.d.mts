export declare function workflowFiles(dir?: string): string[];
export declare function lintWorkflows(files: string[]): Promise<string[]>;
