/** The outbox's limits and waits, each with the reason for its value. */
export const OUTGOING_LIMITS = {
  /**
   * Attachments of one message, decoded. Providers take 25–50 MB a message (base64 adds a third); past
   * this no server would take it, and building it would hold it all in memory several times.
   */
  maxAttachmentBytes: 100 * 1024 * 1024,
  /**
   * How long after a message was accepted to look in Sent before filing our copy: some servers (Gmail,
   * Exchange, hosted "save sent mail" filters) file their own copy within a moment, and a second one
   * would be a duplicate. HOMING_SENT_COPY_WAIT_MS overrides it (tests set it low or high).
   */
  sentCopyWaitMs: envMs('HOMING_SENT_COPY_WAIT_MS', 2_000),
  /**
   * HOMING_SMTP_TIMEOUT_MS caps every wait of a submission session (connect, greeting, each reply, the
   * reply to the final dot), for tests of silent servers; unset, protocols/smtp/limits.ts's defaults apply.
   */
  smtpTimeoutMs: envMs('HOMING_SMTP_TIMEOUT_MS', 0) || null,
  /** A draft goes to the server once the composer has left it alone this long (it saves as the user types). */
  draftQuietMs: envMs('HOMING_DRAFT_QUIET_MS', 5_000),
  /**
   * How long recipients the server answered "not now" (4xx at RCPT) are tried again before the message to
   * them fails and the user decides. RFC 5321 section 4.5.4.1 asks a relay for 4-5 days; a desktop client
   * shows the waiting message in its Outbox all along, and after a day a greylist or a full mailbox that has
   * not cleared is the user's to know about. HOMING_RESEND_GIVE_UP_MS overrides it (tests).
   */
  resendGiveUpMs: envMs('HOMING_RESEND_GIVE_UP_MS', 24 * 60 * 60_000),
  /**
   * And only after this many "not now" answers (the first deferral included). resendGiveUpMs is wall-clock
   * time, and a clock put forward by a day (an NTP fix after a drifting battery clock, a virtual machine
   * restored, a dual-boot clock read as local time) made every waiting resend fail at its next try: tries
   * cannot be faked by a clock. 144 is how many the retry backoff makes in half a day at its longest wait
   * (5 minutes), so the two agree for an app left running; with the computer asleep part of the day, or
   * `homing sync` from cron, giving up takes longer, which only keeps trying.
   * HOMING_RESEND_GIVE_UP_TRIES overrides it (tests).
   */
  resendGiveUpTries: envMs('HOMING_RESEND_GIVE_UP_TRIES', 144),
  /** Filing attempts a `sent` message gets before it waits for the next sync or the user (it is never resent). */
  filingBackoffCap: 30 * 60_000,
} as const;

function envMs(name: string, fallback: number): number {
  const value = process.env[name];
  const parsed = value === undefined || value.trim() === '' ? NaN : Number(value);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}
