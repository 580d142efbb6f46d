/** Every time and size limit of account setup in one place, each with the reason for its value. */
export const accountLimits = {
  /** One DNS query (MX, SRV, A). A healthy resolver answers in well under a second; c-ares retries within this. */
  dnsTimeoutMs: 4_000,
  /** One autoconfig HTTP request. Thunderbird waits about as long before it moves on to the next source. */
  httpTimeoutMs: 8_000,
  /** An autoconfig file is a few kilobytes; anything much bigger is not one (and must not fill memory). */
  httpMaxBytes: 256 * 1024,
  /** Redirects followed for one autoconfig URL (providers move their files; loops must end). */
  httpMaxRedirects: 3,
  /** The whole autoconfig run: the settings dialog must not spin longer than this. */
  autoconfigDeadlineMs: 20_000,
  /** One TCP connection attempt (a dead host or a port filtered by a firewall never answers). */
  connectTimeoutMs: 10_000,
  /** TLS handshake after the TCP connection is up. */
  tlsTimeoutMs: 10_000,
  /**
   * The server's greeting. Real servers greet within a second; a server that says nothing for this long
   * on a plain connection is usually an implicit-TLS port waiting for our ClientHello (TLS_WRONG_PORT).
   */
  greetingTimeoutMs: 6_000,
  /** One command's reply during a probe (CAPABILITY, CAPA, STARTTLS). */
  replyTimeoutMs: 8_000,
  /** A guessing probe as a whole: guesses are many and most hosts do not exist. */
  probeTimeoutMs: 8_000,
  /** Longest line accepted from a server during a probe (RFC 3501 and 1939 lines are far shorter). */
  maxLineBytes: 64 * 1024,
  /** Lines of a CAPA answer read at most (RFC 2449 lists a dozen; more is a broken or hostile server). */
  maxCapaLines: 200,
  /** Candidates kept per protocol: more only confuses the settings dialog. */
  maxCandidates: 12,
  /**
   * A password command (`pass show mail/me`) may wait for the user to type a GPG passphrase into a
   * pinentry window, so it gets a minute; a command that never ends must still not hang a sync or cron.
   */
  passwordCommandTimeoutMs: 60_000,
  /** A password is one line; a command printing more than this is not printing a password. */
  passwordCommandMaxBytes: 64 * 1024,
} as const;

export type AccountLimits = typeof accountLimits;
