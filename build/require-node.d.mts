export declare const APP_NODE_VERSION: string;
export declare function atLeast(version: string, wanted: string): boolean;
