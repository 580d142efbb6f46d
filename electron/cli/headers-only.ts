import { HomingError } from '../../shared/errors';

/** BODY_NOT_DOWNLOADED, with the flag that gets the header block without the server. */
export async function withHeadersOnlyHint<T>(pending: Promise<T>): Promise<T> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof HomingError && error.code === 'BODY_NOT_DOWNLOADED') {
      throw new HomingError(error.code, `${error.message} --headers-only gives the header block alone.`, error.detail, { cause: error });
    }
    throw error;
  }
}
