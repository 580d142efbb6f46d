import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli';
import { deliverMany, maildirFiles, testMessage } from '../helpers/pop3-fixture';
import { type DovecotServer, startDovecot } from '../servers/dovecot';

/**
 * Crash safety with "delete from the server right after download": the `homing sync` CLI (the built
 * bundle, a separate process whose worker thread dies with it) is killed with SIGKILL at 20 random
 * moments while it downloads 500 messages, then run to completion. After every kill: every message is
 * on the server or in the store (nothing lost), and none is in the store twice.
 */

const TOTAL = 500;
const KILLS = 20;
/**
 * Mail arrives in waves (as it does), so that every kill finds mail being downloaded. A run may still
 * end before its moment comes (then that wave has no kill): five waves more than kills leave room.
 */
const WAVES = 25;
const WAVE = TOTAL / WAVES;

let server: DovecotServer;
beforeAll(async () => {
  // Dovecot's own default durability for this test (the harness turns fsync off for speed).
  server = await startDovecot({
    users: [
      { name: 'alice', password: 'alice-secret' },
      { name: 'calib', password: 'calib-secret' },
    ],
    extraConfig: 'mail_fsync = optimized\n',
  });
});
afterAll(async () => {
  await server?.destroy();
});

/** A small deterministic PRNG, seeded and printed, so a failing run can be replayed (HOMING_CRASH_SEED). */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const messageIdOf = (raw: Buffer | string) => /^Message-ID: (<[^>]+>)/im.exec(raw.toString())?.[1] ?? null;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

interface RunResult {
  killed: boolean;
  /** ms from spawn to when Dovecot logged the login, if it did. */
  login: number | null;
  /** ms from spawn to the first commit this run made (seen by polling the store), if any. */
  firstCommit: number | null;
  /** ms from spawn to the kill or the exit. */
  ended: number;
  exitCode?: number | null;
  stderr: string;
}

describe('POP3 crash safety', () => {
  it('survives SIGKILL at 20 random moments while downloading 500 messages: nothing lost, nothing stored twice', async () => {
    const seed = Number(process.env.HOMING_CRASH_SEED ?? Date.now() % 100_000);
    const random = rng(seed);
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');

    const newAccount = async (user: string) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'homing-pop3-crash-'));
      const added = await runCli(
        ['--data-dir', dataDir, 'account', 'add', '--email', `${user}@example.org`, '--protocol', 'pop3', '--host', '127.0.0.1',
          '--port', String(server.ports.pop3s), '--security', 'tls', '--username', user, '--password-env', 'HOMING_PW',
          '--trust-fingerprint', server.certificate.fingerprint256, '--pop3-delete', 'after-download'],
        { env: { HOMING_PW: `${user}-secret` } },
      );
      expect(added.stderr).toBe('');
      expect(added.status).toBe(0);
      return dataDir;
    };

    const readStore = (dataDir: string) => {
      const dbPath = join(dataDir, 'homing.sqlite');
      if (!existsSync(dbPath)) return [];
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare('SELECT id, message_id, uidl FROM messages WHERE uidl IS NOT NULL').all() as Array<{ id: number; message_id: string; uidl: string }>;
      } catch {
        return []; // not migrated yet
      } finally {
        db.close();
      }
    };

    /** Logins Dovecot has logged for `user` so far: the moment a run is past start-up, TLS and AUTH. */
    const logins = (user: string) => {
      try {
        return readFileSync(join(server.dir, 'dovecot.log'), 'utf8').split(`Login: user=<${user}>`).length - 1;
      } catch {
        return 0;
      }
    };

    /** One `homing sync`, killed with SIGKILL when `killNow` says so (polled every 5 ms) unless it ends first. */
    const run = async (
      dataDir: string,
      user: string,
      killNow: (elapsed: number, login: number | null, firstCommit: number | null) => boolean,
    ): Promise<RunResult> => {
      const before = readStore(dataDir).length;
      const loginsBefore = logins(user);
      const started = performance.now();
      const child: ChildProcess = spawn(process.execPath, [bin, '--data-dir', dataDir, 'sync'], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      let exitCode: number | null | undefined;
      const done = new Promise<void>((resolve) =>
        child.once('exit', (code) => {
          exitCode = code;
          resolve();
        }),
      );
      let login: number | null = null;
      let firstCommit: number | null = null;
      for (;;) {
        const elapsed = performance.now() - started;
        if (exitCode !== undefined) return { killed: false, login, firstCommit, ended: elapsed, exitCode, stderr };
        if (login === null && logins(user) > loginsBefore) login = elapsed;
        if (firstCommit === null && readStore(dataDir).length > before) firstCommit = elapsed;
        if (killNow(elapsed, login, firstCommit)) {
          child.kill('SIGKILL');
          await done;
          // A run that exited on its own just before the signal was not killed.
          return { killed: exitCode === null, login, firstCommit, ended: elapsed, exitCode, stderr };
        }
        await new Promise((r) => setTimeout(r, 5));
      }
    };

    // Calibration on another mailbox: from login to the first commit (UIDL, LIST, RETRs, parsing), and
    // from the first commit to the end (the rest of the download, DELE, QUIT, shutdown), for one wave.
    // Both are then learnt again from every run, so a machine that speeds up or slows down is followed.
    deliverMany(server, 'calib', Array.from({ length: WAVE }, (_, i) => testMessage(90_000 + i)));
    const calibration = await run(await newAccount('calib'), 'calib', () => false);
    expect(calibration.exitCode, calibration.stderr).toBe(0);
    expect(calibration.login, 'Dovecot logs the login').not.toBeNull();
    let loginToCommit = Math.max(20, (calibration.firstCommit ?? calibration.ended) - calibration.login!);
    let afterCommit = Math.max(20, calibration.ended - (calibration.firstCommit ?? calibration.ended));

    const dataDir = await newAccount('alice');
    const delivered = new Map<string, string>(); // Message-ID → sha256 of the bytes
    const onServer = () => maildirFiles(server.maildir('alice')).map((f) => messageIdOf(f.raw)!);

    /** Nothing lost, nothing doubled: checked after every kill. */
    const checkInvariants = (label: string) => {
      const rows = readStore(dataDir);
      const inStore = new Set(rows.map((r) => r.message_id));
      const server = new Set(onServer());
      const lost = [...delivered.keys()].filter((id) => !server.has(id) && !inStore.has(id));
      expect(lost, `${label}: messages neither on the server nor in the store`).toEqual([]);
      expect(inStore.size, `${label}: a message stored twice`).toBe(rows.length);
      expect(new Set(rows.map((r) => r.uidl)).size, `${label}: a UIDL stored twice`).toBe(rows.length);
      return { stored: rows.length, server: server.size, left: [...delivered.keys()].filter((id) => !server.has(id)).length };
    };

    const log: string[] = [
      `calibration: login at ${Math.round(calibration.login!)} ms, first commit ${Math.round(loginToCommit)} ms later, ${Math.round(afterCommit)} ms more to the end (${WAVE} messages)`,
    ];
    let kills = 0;
    let runs = 0;
    let forceEarly = false;
    for (let wave = 0; wave < WAVES; wave++) {
      const raws = Array.from({ length: WAVE }, (_, i) => testMessage(wave * 1000 + i, `wave ${wave}\r\n`));
      for (const raw of raws) delivered.set(messageIdOf(raw)!, sha(raw));
      deliverMany(server, 'alice', raws);
      if (kills === KILLS) continue;
      // A random moment, one of two kinds: between the login and the first commit (UIDL, LIST, the
      // first messages downloaded and parsed but not stored), or a random time after a commit (more
      // downloading, the durable commit before DELE, DELE, QUIT, the bookkeeping after it, shutdown).
      // (Late moments are drawn from the first half of what the rest took before, so that a run rarely
      // ends before its moment; the second half is reached when a run has more mail than the last.)
      const early = forceEarly || random() < 0.4;
      const at = random() * (early ? loginToCommit : 0.5 * afterCommit);
      forceEarly = false;
      runs += 1;
      const result = await run(dataDir, 'alice', (elapsed, login, firstCommit) =>
        early ? login !== null && elapsed - login >= at : firstCommit !== null && elapsed - firstCommit >= at,
      );
      if (result.login !== null && result.firstCommit !== null) loginToCommit = Math.max(20, Math.min(loginToCommit, result.firstCommit - result.login));
      if (!result.killed) {
        expect(result.exitCode, result.stderr).toBe(0);
        log.push(`run ${runs} (wave ${wave}): ended by itself before its moment`);
        // It showed how long the part after the first commit really takes here; and the next moment is
        // an early one (which cannot come too late), so the spare waves suffice.
        if (result.firstCommit !== null) afterCommit = Math.max(20, Math.min(afterCommit, result.ended - result.firstCommit));
        forceEarly = true;
        continue;
      }
      kills += 1;
      const counts = checkInvariants(`kill ${kills}`);
      const when =
        result.firstCommit === null
          ? `${Math.round(result.ended - (result.login ?? 0))} ms after login, before any commit`
          : `${Math.round(result.ended - result.firstCommit)} ms after its first commit`;
      log.push(`kill ${kills} (run ${runs}, wave ${wave}, ${when}): stored ${counts.stored}, on server ${counts.server}, left the server ${counts.left}`);
    }

    // Then to completion.
    const final = await runCli(['--data-dir', dataDir, 'sync']);
    expect(final.status, final.stderr).toBe(0);
    const counts = checkInvariants('final');
    const db = new Database(join(dataDir, 'homing.sqlite'), { readonly: true, fileMustExist: true });
    const rows = db.prepare('SELECT id, message_id FROM messages WHERE uidl IS NOT NULL').all() as Array<{ id: number; message_id: string }>;
    const chunksOf = db.prepare('SELECT raw, compression FROM message_sources WHERE message_id = ? ORDER BY seq');
    const hashes = new Map(
      rows.map((r) => {
        const chunks = chunksOf.all(r.id) as Array<{ raw: Buffer; compression: string }>;
        return [r.message_id, sha(Buffer.concat(chunks.map((c) => (c.compression === 'deflate' ? inflateSync(c.raw) : c.raw))))];
      }),
    );
    db.close();
    console.log(
      [
        `POP3 crash test (seed ${seed}): ${kills} SIGKILLs over ${runs} runs of \`homing sync\`, ${TOTAL} messages in ${WAVES} waves, delete right after download`,
        ...log,
        `final: stored ${counts.stored} (distinct ${hashes.size}), on server ${counts.server}, left the server ${counts.left}`,
      ].join('\n'),
    );
    expect(kills, log.join('\n')).toBe(KILLS);
    expect(counts).toEqual({ stored: TOTAL, server: 0, left: TOTAL });
    expect(hashes.size).toBe(TOTAL);
    // Every stored copy is byte for byte what was delivered.
    for (const [id, hash] of hashes) expect(hash, id).toBe(delivered.get(id));
  }, 900_000);
});
