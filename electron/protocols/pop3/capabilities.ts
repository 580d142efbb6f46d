/**
 * What a server said it can do in its CAPA listing (RFC 2449 §5, §6). A server without CAPA gets an empty
 * set: then only the RFC 1939 basics are assumed (USER/PASS, and UIDL/TOP are tried and may fail).
 */
export class Capabilities {
  private readonly entries: Map<string, string[]>;

  constructor(
    lines: string[],
    /** False when the server answered CAPA with -ERR (an RFC 1939-only server). */
    readonly known: boolean,
  ) {
    this.entries = new Map();
    for (const line of lines) {
      const [name, ...args] = line.trim().split(/\s+/);
      if (name) this.entries.set(name.toUpperCase(), args);
    }
  }

  static none(): Capabilities {
    return new Capabilities([], false);
  }

  has(name: string): boolean {
    return this.entries.has(name.toUpperCase());
  }

  /** SASL mechanisms (RFC 2449 §6.3 "SASL"), upper case. */
  get saslMechanisms(): string[] {
    return (this.entries.get('SASL') ?? []).map((m) => m.toUpperCase());
  }

  /** The capability list as the server wrote it, for connection tests and error details. */
  list(): string[] {
    return [...this.entries].map(([name, args]) => [name, ...args].join(' '));
  }
}
