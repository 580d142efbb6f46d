import { HomingError } from '../shared/errors';

/** Placeholder for a contract method whose implementation has not landed yet. */
export function notBuilt(method: string): () => Promise<never> {
  return async () => {
    throw new HomingError('INTERNAL', `${method} is not available in this version of Homing yet.`);
  };
}
