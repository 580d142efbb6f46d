import { type ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
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
 * moments while it downloads 500 messages, then run to completion. After every kill: every message that
 * left the server is in the store, and none is in the store twice.
 *
 * The moments are keyed to what the run itself says (`homing sync --progress` prints a line per progress
 * event as it happens), never to absolute times, and nothing is polled: a run is killed by a timer set
 * when the chosen event arrives. So a loaded machine makes the test slower, not wrong, and no run is
 * wasted waiting for a moment that a slow start-up pushed past the end.
 */

const TOTAL = 500;
const KILLS = 20;
/**
 * Mail arrives in waves (as it does), one before each run, so that every kill finds mail being
 * downloaded; five more waves than kills leave room for runs that end before their moment.
 */
const WAVES = 25;
const WAVE = TOTAL / WAVES;
/** Runs that end before their moment (the machine sped up) get another chance, up to this many runs. */
const MAX_RUNS = 40;

/**
 * The stretches of one run, each from the progress event that starts it to the next one:
 * - connect: start-up done, TCP, TLS, greeting, CAPA, login (`connecting` → `headers`);
 * - listing: UIDL and LIST (`headers` → `bodies 0/N`);
 * - download: RETRs and parsing before the first commit (`bodies 0/N` → `bodies k/N`, k > 0);
 * - store: more downloads and commits, then the durable commit before DELE (→ `actions`);
 * - delete: DELE, QUIT (the server deletes), the bookkeeping after it, shutdown (`actions` → exit).
 */
const STAGES = ['connect', 'listing', 'download', 'store', 'delete'] as const;
type Stage = (typeof STAGES)[number];

let server: DovecotServer;
beforeAll(async () => {
  // Dovecot's own default durability for this test (the harness turns fsync off for speed).
  server = await startDovecot({ users: [{ name: 'alice', password: 'alice-secret' }], extraConfig: 'mail_fsync = optimized\n' });
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
  /** ms from spawn to the event that starts each stage (when it was seen). */
  starts: Partial<Record<Stage, number>>;
  /** ms from spawn to the kill or the exit. */
  ended: number;
  exitCode: number | null;
  stderr: string;
}

/** Which stage a `--progress` line starts, if any. */
function stageOf(phase: string, done: number): Stage | null {
  if (phase === 'connecting') return 'connect';
  if (phase === 'headers') return 'listing';
  if (phase === 'bodies') return done === 0 ? 'download' : 'store';
  if (phase === 'actions') return 'delete';
  return null;
}

describe('POP3 crash safety', () => {
  it('survives SIGKILL at 20 random moments while downloading 500 messages: nothing lost, nothing stored twice', async () => {
    const seed = Number(process.env.HOMING_CRASH_SEED ?? Date.now() % 100_000);
    const random = rng(seed);
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');

    const dataDir = mkdtempSync(join(tmpdir(), 'homing-pop3-crash-'));
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'pop3', '--host', '127.0.0.1',
        '--port', String(server.ports.pop3s), '--security', 'tls', '--username', 'alice', '--password-env', 'HOMING_PW',
        '--trust-fingerprint', server.certificate.fingerprint256, '--pop3-delete', 'after-download'],
      { env: { HOMING_PW: 'alice-secret' } },
    );
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);

    const readStore = () => {
      const dbPath = join(dataDir, 'homing.sqlite');
      if (!existsSync(dbPath)) return [];
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        return db.prepare('SELECT id, message_id, uidl FROM messages WHERE uidl IS NOT NULL').all() as Array<{ id: number; message_id: string; uidl: string }>;
      } finally {
        db.close();
      }
    };

    /**
     * One `homing sync --progress`. With `moment`, it is killed with SIGKILL `delay` ms after the event that
     * starts `stage` (a run that skips that stage — nothing to download — is killed in the next one it
     * reaches), unless it exits first. The stage may end before the timer fires: the moment then falls
     * in a later stage, still a moment of the run.
     */
    const run = (moment: { stage: Stage; delay: number } | null): Promise<RunResult> =>
      new Promise((resolve) => {
        const started = performance.now();
        const child: ChildProcess = spawn(process.execPath, [bin, '--data-dir', dataDir, 'sync', '--progress'], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        const starts: RunResult['starts'] = {};
        let stderr = '';
        let pending = '';
        let killedAt: number | null = null;
        let armed = false;
        child.stderr!.setEncoding('utf8').on('data', (text: string) => {
          stderr += text;
          pending += text;
          const lines = pending.split('\n');
          pending = lines.pop()!;
          for (const line of lines) {
            const match = /^progress \S+ (\w+) (\d+)\/(\d+)$/.exec(line);
            if (!match) continue;
            const stage = stageOf(match[1]!, Number(match[2]));
            if (!stage || starts[stage] !== undefined) continue;
            starts[stage] = performance.now() - started;
            if (moment && !armed && STAGES.indexOf(stage) >= STAGES.indexOf(moment.stage)) {
              armed = true;
              setTimeout(() => {
                if (child.exitCode !== null || child.signalCode !== null) return;
                killedAt = performance.now() - started;
                child.kill('SIGKILL');
              }, moment.delay);
            }
          }
        });
        child.once('exit', (code, signal) => {
          const ended = killedAt ?? performance.now() - started;
          resolve({ killed: signal === 'SIGKILL', starts, ended, exitCode: code, stderr });
        });
      });

    /** How long each stage took, as seen in one run (only stages it finished). */
    const durations = (r: RunResult): Partial<Record<Stage, number>> => {
      const out: Partial<Record<Stage, number>> = {};
      const seen = STAGES.filter((s) => r.starts[s] !== undefined);
      seen.forEach((stage, i) => {
        const next = seen[i + 1];
        const end = next !== undefined ? r.starts[next]! : r.killed ? null : r.ended;
        if (end !== null) out[stage] = end - r.starts[stage]!;
      });
      return out;
    };

    const delivered = new Map<string, string>(); // Message-ID → sha256 of the bytes
    const onServer = () => maildirFiles(server.maildir('alice')).map((f) => messageIdOf(f.raw)!);

    /** Nothing lost, nothing doubled: checked after every kill. */
    const checkInvariants = (label: string) => {
      const rows = readStore();
      const inStore = new Set(rows.map((r) => r.message_id));
      const server = new Set(onServer());
      const lost = [...delivered.keys()].filter((id) => !server.has(id) && !inStore.has(id));
      expect(lost, `${label}: messages that left the server and are not in the store`).toEqual([]);
      expect(inStore.size, `${label}: a message stored twice`).toBe(rows.length);
      expect(new Set(rows.map((r) => r.uidl)).size, `${label}: a UIDL stored twice`).toBe(rows.length);
      return { stored: rows.length, server: server.size, left: [...delivered.keys()].filter((id) => !server.has(id)).length };
    };

    const deliverWave = (wave: number) => {
      const raws = Array.from({ length: WAVE }, (_, i) => testMessage(wave * 1000 + i, `wave ${wave}\r\n`));
      for (const raw of raws) delivered.set(messageIdOf(raw)!, sha(raw));
      deliverMany(server, 'alice', raws);
    };

    // Each stage's length as last seen (learnt again from every run, so a machine that speeds up or slows
    // down is followed); a guess until a run shows it. A guess that is too long costs one run that ends
    // by itself (and shows the length): the last stage is only ever seen that way.
    const length: Record<Stage, number> = { connect: 200, listing: 100, download: 200, store: 200, delete: 200 };
    const log: string[] = [];
    let kills = 0;
    let runs = 0;
    let waves = 0;
    while (kills < KILLS) {
      if (waves < WAVES) deliverWave(waves++);
      expect(runs, `only ${kills} kills in ${MAX_RUNS} runs:\n${log.join('\n')}`).toBeLessThan(MAX_RUNS);
      runs += 1;
      // A random stage, a random moment within its length as last seen (a stage not yet seen: its start).
      // The later stages exist only when there is mail to download: the kill comes while downloading.
      const stage = STAGES[Math.floor(random() * STAGES.length)]!;
      const delay = random() * 0.9 * length[stage];
      const result = await run({ stage, delay });
      for (const [s, ms] of Object.entries(durations(result)) as Array<[Stage, number]>) length[s] = Math.max(5, ms);
      if (!result.killed) {
        expect(result.exitCode, result.stderr).toBe(0);
        log.push(`run ${runs}: ended by itself before its moment (${stage} + ${Math.round(delay)} ms), after ${Math.round(result.ended)} ms`);
        continue;
      }
      kills += 1;
      const counts = checkInvariants(`kill ${kills}`);
      const reached = STAGES.filter((s) => result.starts[s] !== undefined).pop() ?? 'start-up';
      const at = result.starts[reached as Stage];
      log.push(
        `kill ${kills} (run ${runs}, ${waves} waves delivered): aimed at ${stage} + ${Math.round(delay)} ms, ` +
          `came in ${reached}${at === undefined ? '' : ` + ${Math.max(0, Math.round(result.ended - at))} ms`} (${Math.round(result.ended)} ms after spawn): ` +
          `stored ${counts.stored}, on server ${counts.server}, left the server ${counts.left}`,
      );
    }
    while (waves < WAVES) deliverWave(waves++);

    // Then to completion.
    const final = await run(null);
    expect(final.exitCode, final.stderr).toBe(0);
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
  }, 300_000);
});
