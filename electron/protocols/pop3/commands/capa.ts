import { LinesSink } from '../body-sinks';
import { Capabilities } from '../capabilities';
import type { Pop3Command } from '../command';
import { POP3_LIMITS } from '../limits';

/**
 * CAPA (RFC 2449 §5). A server that answers -ERR predates RFC 2449: it gets an empty capability set and
 * the RFC 1939 basics are assumed.
 */
export const capa: Pop3Command<void, Capabilities> = {
  name: 'CAPA',
  states: ['AUTHORIZATION', 'TRANSACTION'],
  async run(io) {
    const sink = new LinesSink();
    const status = await io.send('CAPA', { multiline: true, consumer: sink, maxBodyBytes: POP3_LIMITS.capaBytes });
    const capabilities = status.kind === 'ok' ? new Capabilities(sink.lines(), true) : Capabilities.none();
    io.setCapabilities(capabilities);
    return capabilities;
  },
};
