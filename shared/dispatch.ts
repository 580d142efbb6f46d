import { contract, isMethodName, type MailService, type MethodName } from './contract';
import { type Envelope, HomingError, toErrorData } from './errors';

/**
 * The gate every call passes on the trusted side, whatever carried it (IPC, the test bridge, the CLI):
 * refuse unknown methods, validate the arguments against the contract, run the method, and turn any
 * failure into coded error data (a thrown Error would lose its code crossing IPC).
 */
export async function dispatch(service: MailService, method: unknown, args: unknown): Promise<Envelope<unknown>> {
  try {
    const name = checkMethod(method);
    const parsed = contract.methods[name].args.safeParse(args ?? {});
    if (!parsed.success) {
      throw new HomingError('INVALID_ARGUMENT', `Invalid arguments for ${name}`, {
        issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
      });
    }
    const call = service[name] as (a: unknown) => Promise<unknown>;
    const value = await call.call(service, parsed.data);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error: toErrorData(error) };
  }
}

export function checkMethod(method: unknown): MethodName {
  if (!isMethodName(method)) {
    throw new HomingError('UNKNOWN_METHOD', `Unknown method: ${typeof method === 'string' ? method.slice(0, 80) : typeof method}`);
  }
  return method;
}
