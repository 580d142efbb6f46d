import { HomingError } from '../../shared/errors';

/** The HomingError a promise rejects with; anything else it throws, or a fulfilment, fails the test. */
export async function homingFailure(promise: Promise<unknown>): Promise<HomingError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HomingError) return error;
    throw error;
  }
  throw new Error('expected the promise to reject with a HomingError');
}
