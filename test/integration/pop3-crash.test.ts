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
 * moments while it downloads 500 messages, then run to completion. After every kill: every message is
 * on the server or in the store (nothing lost), and none is in the store twice.
 */

const TOTAL = 500;
const WAVES = 5;
const KILLS = 20;

let server: DovecotServer;
beforeAll(async () => {
  // Dovecot's own default durability for this test (the harness turns fsync off for speed).
  server = await startDovecot({ extraConfig: 'mail_fsync = optimized\n' });
});
afterAll(async () => {
  await server?.destroy();
});

/** A small deterministic PRNG, seeded and printed, so a failing run can be replayed. */
function rng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const messageIdOf = (raw: Buffer | string) => /^Message-ID: (<[^>]+>)/im.exec(raw.toString())?.[1] ?? null;
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

describe('POP3 crash safety', () => {
  it('survives SIGKILL at 20 random moments while downloading 500 messages: nothing lost, nothing stored twice', async () => {
    const seed = Number(process.env.HOMING_CRASH_SEED ?? Date.now() % 100_000);
    const random = rng(seed);
    const dataDir = mkdtempSync(join(tmpdir(), 'homing-pop3-crash-'));
    const dbPath = join(dataDir, 'homing.sqlite');
    const bin = join(inject('buildDir'), 'node', 'homing.cjs');
    const added = await runCli(
      ['--data-dir', dataDir, 'account', 'add', '--email', 'alice@example.org', '--protocol', 'pop3', '--host', '127.0.0.1',
        '--port', String(server.ports.pop3s), '--security', 'tls', '--username', 'alice', '--password-env', 'HOMING_PW',
        '--trust-fingerprint', server.certificate.fingerprint256, '--pop3-delete', 'after-download'],
      { env: { HOMING_PW: 'alice-secret' } },
    );
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);

    const delivered = new Map<string, string>(); // Message-ID → sha256 of the bytes
    const store = () => {
      if (!existsSync(dbPath)) return { rows: [] as Array<{ message_id: string | null; uidl: string | null }>, ids: [] as number[] };
      const db = new Database(dbPath, { readonly: true, fileMustExist: true });
      try {
        const rows = db.prepare('SELECT id, message_id, uidl FROM messages WHERE uidl IS NOT NULL').all() as Array<{ id: number; message_id: string | null; uidl: string | null }>;
        return { rows, ids: rows.map((r) => r.id) };
      } catch {
        return { rows: [], ids: [] };
      } finally {
        db.close();
      }
    };
    const storedCount = () => store().rows.length;
    const onServer = () => maildirFiles(server.maildir('alice')).map((f) => messageIdOf(f.raw)!);

    /** Nothing lost, nothing doubled: checked after every kill. */
    const checkInvariants = (label: string) => {
      const { rows } = store();
      const inStore = rows.map((r) => r.message_id!);
      const server = new Set(onServer());
      const lost = [...delivered.keys()].filter((id) => !server.has(id) && !inStore.includes(id));
      expect(lost, `${label}: messages neither on the server nor in the store`).toEqual([]);
      expect(new Set(inStore).size, `${label}: a message stored twice`).toBe(inStore.length);
      expect(new Set(rows.map((r) => r.uidl)).size, `${label}: a UIDL stored twice`).toBe(rows.length);
      return { stored: inStore.length, server: server.size, left: [...delivered.keys()].filter((id) => !server.has(id)).length };
    };

    const startSync = (): ChildProcess => spawn(process.execPath, [bin, '--data-dir', dataDir, 'sync'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

    const log: string[] = [];
    let kills = 0;
    let runs = 0;
    for (let wave = 0; wave < WAVES; wave++) {
      const raws = Array.from({ length: TOTAL / WAVES }, (_, i) => testMessage(wave * 1000 + i, `wave ${wave}\r\n`));
      for (const raw of raws) delivered.set(messageIdOf(raw)!, sha(raw));
      deliverMany(server, 'alice', raws);
      const waveTarget = delivered.size;
      const killsThisWave = KILLS / WAVES;
      let waveKills = 0;
      while (waveKills < killsThisWave) {
        // A random moment: after the store has grown by k messages (k = 0: during start-up, login or
        // listing), plus a random delay; a k beyond what is left lands in the DELE/QUIT phase.
        const k = Math.floor(random() * 45);
        const delay = Math.floor(random() * 200);
        const before = storedCount();
        const child = startSync();
        runs += 1;
        let stderr = '';
        child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
        const done = exited(child);
        let finished = false;
        void done.then(() => (finished = true));
        while (!finished && storedCount() < Math.min(before + k, waveTarget)) await new Promise((r) => setTimeout(r, 10));
        if (!finished) await new Promise((r) => setTimeout(r, delay));
        if (finished) {
          // It completed before the moment came: no kill this time (the wave's mail is all in).
          const code = await done;
          expect(code, stderr).toBe(0);
          log.push(`run ${runs}: completed on its own`);
          if (onServer().length === 0 && storedCount() === waveTarget) break;
          continue;
        }
        child.kill('SIGKILL');
        await done;
        kills += 1;
        waveKills += 1;
        const counts = checkInvariants(`kill ${kills}`);
        log.push(`kill ${kills} (run ${runs}, k=${k}, +${delay} ms): stored ${counts.stored}, on server ${counts.server}, left the server ${counts.left}`);
      }
    }
    // Waves that completed early leave kills to do: spend them on the last wave's remainder.
    expect(kills, log.join('\n')).toBeGreaterThanOrEqual(KILLS - WAVES);

    // Then to completion.
    const final = await runCli(['--data-dir', dataDir, 'sync']);
    expect(final.status, final.stderr).toBe(0);
    const counts = checkInvariants('final');
    const db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const rows = db
      .prepare('SELECT message_id FROM messages WHERE uidl IS NOT NULL')
      .all() as Array<{ message_id: string }>;
    const sources = new Map<string, string>();
    for (const { message_id } of rows) {
      const { id } = db.prepare('SELECT id FROM messages WHERE message_id = ?').get(message_id) as { id: number };
      const chunks = db.prepare('SELECT raw, compression FROM message_sources WHERE message_id = ? ORDER BY seq').all(id) as Array<{ raw: Buffer; compression: string }>;
      sources.set(message_id, sha(Buffer.concat(chunks.map((c) => (c.compression === 'deflate' ? inflateSync(c.raw) : c.raw)))));
    }
    db.close();
    console.log(
      [
        `POP3 crash test (seed ${seed}): ${kills} SIGKILLs over ${runs} runs of \`homing sync\`, ${TOTAL} messages, delete right after download`,
        ...log,
        `final: stored ${counts.stored} (distinct ${new Set(rows.map((r) => r.message_id)).size}), on server ${counts.server}, left the server ${counts.left}`,
      ].join('\n'),
    );
    expect(counts).toEqual({ stored: TOTAL, server: 0, left: TOTAL });
    expect(rows).toHaveLength(TOTAL);
    // Every stored copy is byte for byte what was delivered.
    for (const [id, hash] of sources) expect(hash, id).toBe(delivered.get(id));
    expect(sources.size).toBe(TOTAL);
  }, 900_000);
});
