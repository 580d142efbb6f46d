import type { MailClient } from '../../shared/client';
import type { CliContext } from './cli-context';

/**
 * With `--progress`: `outbox ID STATE` each time a message of the outbox changes state (queued, sending,
 * sent, filed, uncertain, failed), read after each commit's event. The crash test keys its kills to these.
 */
export function logOutboxStates(ctx: CliContext, service: MailClient): () => void {
  const last = new Map<number, string>();
  let reading = Promise.resolve();
  const stop = service.on('outboxChanged', ({ ids }) => {
    reading = reading.then(async () => {
      const items = await service.listOutbox({ includeFiled: true }).catch(() => []);
      for (const item of items) {
        if (!ids.includes(item.id) || last.get(item.id) === item.state) continue;
        last.set(item.id, item.state);
        ctx.stderr.write(`outbox ${item.id} ${item.state}\n`);
      }
    });
  });
  return stop;
}
