/** How the command's standard output ended early, if it did. */
export type OutputEnd = { kind: 'reader-gone' } | { kind: 'failed'; code: string };

/**
 * Watches the command's standard output for the end of its reader. `homing list | head -n 1` closes the
 * pipe once head has its line; the next write fails with EPIPE (Node ignores SIGPIPE), which, as an
 * 'error' event with no listener, ended the process with a stack trace. The reader leaving is a normal
 * end: the command stops quietly. Any other write error (a full disk behind `> file`) is reported.
 */
export function watchOutput(stream: NodeJS.WritableStream): { ended: Promise<OutputEnd>; dispose(): void } {
  let settle: (end: OutputEnd) => void = () => undefined;
  const ended = new Promise<OutputEnd>((resolve) => (settle = resolve));
  const onError = (error: NodeJS.ErrnoException) => {
    // Writes queued behind the failed one fail too (ERR_STREAM_DESTROYED); the first error decides.
    settle(error.code === 'EPIPE' ? { kind: 'reader-gone' } : { kind: 'failed', code: error.code ?? 'unknown' });
  };
  stream.on('error', onError);
  return { ended, dispose: () => void stream.removeListener('error', onError) };
}
