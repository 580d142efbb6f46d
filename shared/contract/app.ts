import * as z from 'zod';
import { query } from './define';

export interface AppInfo {
  name: string;
  version: string;
  dataDir: string;
  /** Whether this process may write the data directory (false when another Homing process holds it). */
  writable: boolean;
}

export const appMethods = {
  getAppInfo: query(z.strictObject({})).returns<AppInfo>(),
};
