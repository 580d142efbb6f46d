import { createClient, type MailClient } from '../../shared/client';
import { eventNames, type MailService } from '../../shared/contract';
import { dispatch } from '../../shared/dispatch';

/** The service as the CLI and the renderer call it: through the validating gate, defaults filled in. */
export function serviceClient(service: MailService): MailClient {
  return createClient({
    invoke: (method, args) => dispatch(service, method, args, { allowPathMethods: true }),
    subscribe: (listener) => {
      const stops = eventNames.map((event) => service.on(event, (payload) => listener(event, payload)));
      return () => stops.forEach((stop) => stop());
    },
  });
}
