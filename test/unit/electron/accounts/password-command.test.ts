import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../../../../electron/accounts/command-line';
import { runPasswordCommand } from '../../../../electron/accounts/password-command';

const node = (script: string) => `'${process.execPath}' -e '${script}'`;
const failure = (promise: Promise<unknown>) => promise.then(() => null, (error: unknown) => error as { code: string; message: string; detail?: Record<string, unknown> });

describe('splitting a password command without a shell', () => {
  it.each([
    ['pass show mail/me', ['pass', 'show', 'mail/me']],
    ['  pass   show\tmail/me  ', ['pass', 'show', 'mail/me']],
    ["cat '/home/me/My Passwords/mail.txt'", ['cat', '/home/me/My Passwords/mail.txt']],
    ['cat "/home/me/My \\"quoted\\" dir/\\\\x"', ['cat', '/home/me/My "quoted" dir/\\x']],
    ['cat my\\ file', ['cat', 'my file']],
    ["security find-generic-password -s 'mail' -w", ['security', 'find-generic-password', '-s', 'mail', '-w']],
    ["gpg -q --decrypt ~/.mail-pw.gpg", ['gpg', '-q', '--decrypt', '~/.mail-pw.gpg']],
    ["printf 'a|b;c$d'", ['printf', 'a|b;c$d']],
    ["sh -c 'pass show mail/me | head -n1'", ['sh', '-c', 'pass show mail/me | head -n1']],
    ["a''b \"\"", ['ab', '']],
  ])('%s', (line, words) => {
    expect(splitCommandLine(line)).toEqual(words);
  });

  it.each([
    ['pass show mail/me | head -1', /"\|" would need a shell/],
    ['pass show $ACCOUNT', /"\$" would need a shell/],
    ['pass show x; rm -rf ~', /";" would need a shell/],
    ['cat < file', /"<" would need a shell/],
    ["cat 'unclosed", /single quote is not closed/],
    ['cat "unclosed', /double quote is not closed/],
    ['cat x\\', /ends with a backslash/],
    ['   ', /empty/],
    ['pass\nshow', /more than one line/],
  ])('refuses %j with a reason', (line, reason) => {
    expect(() => splitCommandLine(line)).toThrow(reason);
    try {
      splitCommandLine(line);
    } catch (error) {
      expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
  });
});

describe('running a password command', () => {
  it('takes the first line of standard output as the password (CRLF too)', async () => {
    expect(await runPasswordCommand(node('process.stdout.write("s3cret pass\\nURL: x\\n")'))).toBe('s3cret pass');
    expect(await runPasswordCommand(node('process.stdout.write("win-pw\\r\\n")'))).toBe('win-pw');
    expect(await runPasswordCommand(node('process.stdout.write("no-newline")'))).toBe('no-newline');
  });

  it('passes arguments through untouched: no shell expands anything', async () => {
    expect(await runPasswordCommand(`${node('console.log(process.argv.slice(1).join("|"))')} '$HOME' '*' 'a b'`)).toBe('$HOME|*|a b');
  });

  it('reports a failing command with its exit status and what it said, never its output', async () => {
    const error = await failure(runPasswordCommand(node('console.log("leaked-pw"); console.error("gpg: decryption failed: No secret key"); process.exit(2)')));
    expect(error).toMatchObject({ code: 'PASSWORD_COMMAND_FAILED', detail: { exitCode: 2 } });
    expect(error?.message).toMatch(/exited with status 2: gpg: decryption failed: No secret key/);
    expect(JSON.stringify(error)).not.toContain('leaked-pw');
  });

  it('never repeats a password the command printed on standard error', async () => {
    const error = await failure(runPasswordCommand(node('console.log("echoed-pw"); console.error("bad: echoed-pw"); process.exit(1)')));
    expect(error).toMatchObject({ code: 'PASSWORD_COMMAND_FAILED' });
    expect(JSON.stringify(error)).not.toContain('echoed-pw');
  });

  it('reports a command that prints nothing', async () => {
    const error = await failure(runPasswordCommand(node('process.stdout.write("\\nsecond line")')));
    expect(error).toMatchObject({ code: 'PASSWORD_COMMAND_FAILED' });
    expect(error?.message).toMatch(/printed no password/);
  });

  it('reports a program that does not exist', async () => {
    const error = await failure(runPasswordCommand('/nonexistent/pass show mail/me'));
    expect(error).toMatchObject({ code: 'PASSWORD_COMMAND_FAILED', detail: { errno: 'ENOENT' } });
  });

  it('stops a command that hangs, and whatever it started, at the timeout', async () => {
    // The grandchild keeps standard output open: waiting for the pipe to close would hang without the group kill.
    const error = await failure(
      runPasswordCommand(`sh -c '${process.execPath} -e "setTimeout(() => {}, 60000)" & wait'`, { timeoutMs: 300 }),
    );
    expect(error).toMatchObject({ code: 'PASSWORD_COMMAND_FAILED', detail: { timeoutMs: 300 } });
    expect(error?.message).toMatch(/did not finish within 300 ms and was stopped/);
  });
});
