/**
 * Every time and size limit of the SMTP client in one place, each with the reason for its value. Tests
 * shorten the timeouts through `SmtpConnectOptions.timeouts`; nothing else overrides them.
 */

export interface SmtpTimeouts {
  /** TCP connect plus, for implicit TLS, the handshake. */
  connectMs: number;
  /** The 220 greeting. RFC 5321 section 4.5.3.2.1 allows a server 5 minutes; submission servers answer in well under a second. */
  greetingMs: number;
  /** EHLO, STARTTLS, AUTH, MAIL, RCPT, DATA's 354: RFC 5321 section 4.5.3.2 gives 5 minutes; a live server answers in seconds. */
  commandMs: number;
  /**
   * The reply to the final dot. RFC 5321 section 4.5.3.2.6: 10 minutes, because the server may be
   * scanning the message. Waiting less would turn a slow accept into "may have been sent" for nothing.
   */
  dataDoneMs: number;
}

export const defaultSmtpTimeouts: SmtpTimeouts = {
  connectMs: 15_000,
  greetingMs: 30_000,
  commandMs: 60_000,
  dataDoneMs: 10 * 60_000,
};

export const SMTP_LIMITS = {
  /** One reply line. RFC 5321 section 4.5.3.1.5 says 512 octets; banners and policy texts run longer. */
  replyLineBytes: 8 * 1024,
  /** A whole multi-line reply (EHLO lists a dozen extensions). */
  replyBytes: 64 * 1024,
  /** Chunks the message is written in: small enough for backpressure, large enough for few syscalls. */
  writeChunkBytes: 64 * 1024,
} as const;
