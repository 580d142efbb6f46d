import type { MethodHandlers } from '../../shared/contract';
import { APP_NAME, APP_VERSION } from '../version';
import type { QueryContext } from './query-context';

export function createAppQueries(ctx: QueryContext): MethodHandlers<'getAppInfo'> {
  return {
    async getAppInfo() {
      return { name: APP_NAME, version: APP_VERSION, dataDir: ctx.dataDir, writable: ctx.writable() };
    },
  };
}
