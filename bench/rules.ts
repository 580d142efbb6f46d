/**
 * `npm run bench -- rules [--count 10000] [--runs 2] [--protocols imap,pop3] [--cpu-prof DIR] [--cli PATH]`
 *
 * What mail rules and the junk filter add to a sync. For each protocol, `count` messages (the store
 * bench's mix, bench/lib/store-corpus.ts: ~4.9 KB, plain/HTML/attachments/legacy charsets/malformed)
 * arrive in an INBOX that the account had already synced empty, and `homing sync` (the real CLI, worker
 * and store, in a child process under /usr/bin/time) downloads them:
 * - without rules: a new store as it comes (the server's spam verdict honoured, the classifier untrained);
 * - with 50 rules (from:, to:, subject:, words, header:, has:attachment, larger:, OR, negation; actions
 *   move, tag, read, flag, stop; 8 move to folders: on IMAP server folders, so the MOVEs are part of the
 *   sync; on POP3 local folders) and the classifier trained on 975 messages of the labelled junk corpus
 *   (test/fixtures/junk-corpus), so it scores every arriving message.
 * The two alternate, `runs` rounds each, every run with a new Dovecot user and data directory; the ratio
 * is the medians' (with rules ÷ without; goal ≤ 1.1×). Then the classifier alone, in this process:
 * tokenising and scoring the stored messages, per message. Prints one table; asserts nothing.
 * `--cpu-prof DIR` runs each timed sync under node's --cpu-prof: one .cpuprofile per thread in DIR
 * (the sync worker's is the largest; the profiler itself adds CPU, so compare such runs only with each other).
 * `--cli PATH` runs a bundle built before (a copy of .cache/bench-rules-cli/ at another commit), for A/B rounds.
 */
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { headerFields } from '../electron/mime/header-fields';
import { junkTokens, type JunkInput } from '../electron/mime/junk-tokens';
import { parseMessage } from '../electron/mime/parse-message';
import { findFolderByPath, listAllFolders, localFolderInput, upsertFolder } from '../electron/store/folders';
import { junkScore, trainJunk } from '../electron/store/junk';
import { openReadDb, openWriteDb } from '../electron/store/open';
import { saveRule } from '../electron/store/rules';
import { writeTransaction } from '../electron/store/write-transaction';
import { arrivedMessage } from '../electron/sync/rules/message-facts';
import type { RuleAction } from '../shared/contract/rules';
import { maildirFolder, startDovecot, type DovecotServer } from '../test/servers/dovecot';
import { buildCli } from './lib/built-cli';
import { reportResults } from './lib/report';
import { median } from './lib/report-runs';
import { timed } from './lib/timed';
import { VOCABULARY, writeCorpus } from './lib/store-corpus';
import { arg } from './lib/bench-arg';

const root = process.cwd();
const count = Number(arg('count', '10000'));
const runs = Number(arg('runs', '2'));
const protocols = arg('protocols', 'imap,pop3').split(',') as Array<'imap' | 'pop3'>;
const cpuProf = arg('cpu-prof', '');
const RULES = 50;
const MOVE_FOLDERS = ['Lists', 'People', 'Projects', 'Receipts', 'Travel', 'Archive/Old', 'Archive/Big', 'Later'];
const TRAINED = 975;

interface Run {
  wallS: number;
  /** With rules: seconds from the start until the last rule had acted (rule_runs.at), before the server's part through the queue. */
  sortedS?: number;
  cpuS: number;
  peakRssMb: number;
}

/**
 * Fifty rules a person could have written: words the corpus uses at several frequencies (VOCABULARY is
 * Zipf-ordered: a low index is common), senders' names and domains, header tests, sizes. The folder
 * names are resolved in the store.
 */
function ruleSet(folderId: (path: string) => number): Array<{ name: string; query: string; actions: RuleAction[] }> {
  const w = (i: number) => VOCABULARY[i]!;
  const rules: Array<{ name: string; query: string; actions: RuleAction[] }> = [];
  const add = (query: string, ...actions: RuleAction[]) => rules.push({ name: `rule ${rules.length + 1}`, query, actions });
  const move = (path: string): RuleAction => ({ kind: 'move', folderId: folderId(path) });
  add(`subject:${w(40)}`, move('Lists'), { kind: 'tag', tag: 'lists' });
  add('from:example3.org', move('People'));
  add(`subject:${w(120)} OR subject:${w(121)}`, move('Projects'), { kind: 'stop' });
  add('has:attachment larger:200K', move('Archive/Big'));
  add(`from:olga ${w(15)}`, move('Receipts'), { kind: 'read' });
  add(`subject:${w(300)} -from:example1.org`, move('Travel'));
  add(`${w(500)} ${w(501)}`, move('Archive/Old'));
  add(`to:victor subject:${w(60)}`, move('Later'), { kind: 'flag' });
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy'];
  for (const name of names) add(`from:${name} subject:${w(rules.length * 7)}`, { kind: 'tag', tag: `from-${name}` });
  for (let i = 0; i < 10; i++) add(`subject:${w(200 + i * 13)}`, { kind: 'tag', tag: `topic${i}` });
  for (let i = 0; i < 6; i++) add(`header:X-Mailer:Bulk${i}`, { kind: 'read' });
  for (let i = 0; i < 6; i++) add(`${w(1000 + i * 31)} -is:flagged`, { kind: 'flag' });
  for (let i = 0; i < 5; i++) add(`filename:${w(80 + i)} OR from:example${i}.org subject:${w(90 + i)}`, { kind: 'tag', tag: `mixed${i}` });
  for (let i = 0; i < RULES - 45; i++) add(`cc:${names[i]} smaller:10K`, { kind: 'read' });
  if (rules.length !== RULES) throw new Error(`${rules.length} rules, expected ${RULES}`);
  return rules;
}

/** The first TRAINED messages of the labelled junk corpus, as the classifier reads them. */
async function trainingSet(): Promise<Array<{ junk: boolean; tokens: string[] }>> {
  const lines = gunzipSync(readFileSync(join(root, 'test', 'fixtures', 'junk-corpus', 'corpus.jsonl.gz'))).toString('utf8').trimEnd().split('\n');
  const out: Array<{ junk: boolean; tokens: string[] }> = [];
  for (const line of lines.slice(0, TRAINED)) {
    const { label, eml } = JSON.parse(line) as { label: string; eml: string };
    const bytes = Buffer.from(eml);
    const parsed = await parseMessage({ kind: 'buffer', bytes });
    const input: JunkInput = {
      subject: parsed.subject,
      fromAddress: parsed.from?.address ?? null,
      fromName: parsed.from?.name ?? null,
      body: parsed.text ?? '',
      attachments: parsed.attachments.map((a) => a.filename ?? '').filter(Boolean),
      headers: headerFields(bytes),
    };
    out.push({ junk: label === 'spam', tokens: junkTokens(input) });
  }
  return out;
}

/** The corpus written once into .cache/bench, hard-linked into each user's INBOX (Dovecot renames, never rewrites). */
function placeCorpus(maildir: string): number {
  const cache = join(root, '.cache', 'bench', `rules-corpus-${count}`);
  const marker = join(cache, '.complete');
  if (!existsSync(marker)) {
    rmSync(cache, { recursive: true, force: true });
    const stats = writeCorpus(cache, count);
    writeFileSync(marker, JSON.stringify({ bytes: stats.bytes }));
  }
  for (const name of readdirSync(join(cache, 'cur'))) linkSync(join(cache, 'cur', name), join(maildir, 'cur', name));
  return (JSON.parse(readFileSync(marker, 'utf8')) as { bytes: number }).bytes;
}

function chownMail(server: DovecotServer): void {
  if (process.getuid?.() === 0) execFileSync('chown', ['-R', '65534:65534', join(server.dir, 'mail')]);
}

async function main(): Promise<void> {
  const homing = arg('cli', '') || buildCli(root, 'rules');
  const work = mkdtempSync(join(tmpdir(), 'homing-bench-rules-'));
  const users = protocols.flatMap((p) => Array.from({ length: runs * 2 }, (_, i) => ({ name: `${p}${i}`, password: `${p}${i}-secret` })));
  const server = await startDovecot({ users });
  process.stderr.write('training set… ');
  const training = await trainingSet();
  process.stderr.write(`${training.length} messages\n`);
  const rows: string[][] = [];
  const notes: string[] = [];
  let bytes = 0;
  let lastRulesStore: string | null = null;
  try {
    for (const protocol of protocols) {
      const results = { plain: [] as Run[], rules: [] as Run[] };
      let acted = 0;
      let moved = 0;
      for (let round = 0; round < runs * 2; round++) {
        // Alternating: plain, rules, rules, plain, … so a drift in the machine's load falls on both.
        const withRules = round % 4 === 1 || round % 4 === 2;
        const user = `${protocol}${round}`;
        const maildir = server.maildir(user);
        for (const folder of ['INBOX', ...(protocol === 'imap' ? MOVE_FOLDERS : [])]) {
          for (const sub of ['cur', 'new', 'tmp']) mkdirSync(join(maildirFolder(maildir, folder), sub), { recursive: true });
        }
        chownMail(server);
        const dataDir = mkdtempSync(join(work, `${user}-`));
        const cli = (...args: string[]) => execFileSync(process.execPath, [homing, '--data-dir', dataDir, ...args], { env: { ...process.env, BENCH_PASSWORD: `${user}-secret` }, stdio: ['ignore', 'pipe', 'pipe'] });
        cli(
          'account', 'add', '--email', `${user}@example.org`, '--protocol', protocol, '--host', '127.0.0.1',
          '--port', String(protocol === 'imap' ? server.ports.imaps : server.ports.pop3s), '--security', 'tls', '--username', user,
          '--password-env', 'BENCH_PASSWORD', '--insecure-store-in-file', '--trust-fingerprint', server.certificate.fingerprint256,
          ...(protocol === 'pop3' ? ['--pop3-delete', 'never'] : []), '--no-test',
        );
        cli('sync');
        const storePath = join(dataDir, 'homing.sqlite');
        if (withRules) {
          const db = openWriteDb(storePath);
          try {
            writeTransaction(db, (changes) => {
              const accountId = listAllFolders(db).find((f) => f.accountId !== 'local')!.accountId;
              const folderId = (path: string) => {
                if (protocol === 'imap') return findFolderByPath(db, accountId, path)!.id;
                return (findFolderByPath(db, 'local', path) ?? upsertFolder(db, changes, 'local', localFolderInput(path))).id;
              };
              for (const rule of ruleSet(folderId)) saveRule(db, changes, { ...rule, accountId: null, enabled: true }, Date.now());
              training.forEach((t, i) => trainJunk(db, 1_000_000 + i, t.junk ? 'junk' : 'not-junk', t.tokens, 0));
            });
          } finally {
            db.sqlite.close();
          }
        }
        bytes = placeCorpus(maildir);
        chownMail(server);
        process.stderr.write(`${protocol} ${withRules ? 'with rules' : 'without'} (round ${round + 1}/${runs * 2})… `);
        const startedAt = Date.now();
        const run: Run = await timed(process.execPath, [...(cpuProf ? ['--cpu-prof', '--cpu-prof-dir', cpuProf] : []), homing, '--data-dir', dataDir, 'sync']);
        process.stderr.write(`${run.wallS.toFixed(1)} s\n`);
        const db = openReadDb(storePath);
        try {
          const stored = (db.sqlite.prepare(`SELECT count(*) AS n FROM messages WHERE deleted_locally = 0`).get() as { n: number }).n;
          if (stored < count) throw new Error(`${protocol}: stored ${stored} messages, expected ${count}`);
          if (withRules) {
            acted = (db.sqlite.prepare('SELECT count(DISTINCT message_id) AS n FROM rule_runs').get() as { n: number }).n;
            run.sortedS = ((db.sqlite.prepare('SELECT max(at) AS at FROM rule_runs').get() as { at: number }).at - startedAt) / 1000;
            moved = (db.sqlite.prepare(`SELECT count(*) AS n FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.special_use IS NOT 'inbox' AND m.deleted_locally = 0`).get() as { n: number }).n;
            const pending = (db.sqlite.prepare('SELECT count(*) AS n FROM pending_ops').get() as { n: number } | undefined)?.n ?? 0;
            if (protocol === 'imap' && pending > 0) notes.push(`imap: ${pending} operations still queued after the sync`);
          }
        } finally {
          db.sqlite.close();
        }
        (withRules ? results.rules : results.plain).push(run);
        if (withRules && protocol === protocols[protocols.length - 1]) lastRulesStore = storePath;
        else rmSync(dataDir, { recursive: true, force: true });
      }
      const plain = median(results.plain.map((r) => r.wallS));
      const ruled = median(results.rules.map((r) => r.wallS));
      const plainCpu = median(results.plain.map((r) => r.cpuS));
      const ruledCpu = median(results.rules.map((r) => r.cpuS));
      const sorted = median(results.rules.map((r) => r.sortedS ?? r.wallS));
      rows.push([
        protocol,
        `${plain.toFixed(1)} s`,
        `${ruled.toFixed(1)} s`,
        `${sorted.toFixed(1)} s`,
        `${(ruled / plain).toFixed(2)}×`,
        `${(ruledCpu / plainCpu).toFixed(2)}×`,
        `${plainCpu.toFixed(1)} / ${ruledCpu.toFixed(1)} s`,
        `${median(results.rules.map((r) => r.peakRssMb)).toFixed(0)} MB`,
        `${acted} / ${moved}`,
      ]);
    }

    // The classifier alone: tokenising and scoring what the last store holds, per message.
    const db = openReadDb(lastRulesStore!);
    const ids = (db.sqlite.prepare('SELECT id FROM messages WHERE deleted_locally = 0 ORDER BY id LIMIT 5000').all() as Array<{ id: number }>).map((r) => r.id);
    const inputs = ids.map((id) => arrivedMessage(db, id, null, null)!.junkInput());
    junkScore(db, []); // loads the model once, as the first arrival of a sync does
    let t = performance.now();
    const tokens = inputs.map((input) => junkTokens(input));
    const tokenUs = ((performance.now() - t) * 1000) / inputs.length;
    t = performance.now();
    let junk = 0;
    for (const list of tokens) if (junkScore(db, list) >= 0.9) junk++;
    const scoreUs = ((performance.now() - t) * 1000) / inputs.length;
    db.sqlite.close();

    console.log(`\nrules bench: ${count} messages (${(bytes / 1e6).toFixed(0)} MB) arriving, ${RULES} rules, classifier trained on ${TRAINED}; medians of ${runs}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    const header = ['protocol', 'sync without rules', 'with rules', 'last rule acted at', 'ratio (wall)', 'ratio (CPU)', 'CPU without / with', 'peak RSS', 'messages acted on / moved'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    console.log(`\nclassifier per message: tokens ${tokenUs.toFixed(0)} µs, score ${scoreUs.toFixed(0)} µs (${inputs.length} stored messages; ${junk} at or over 0.9)`);
    for (const note of notes) console.log(note);
    reportResults('rules', [], [
      ...rows.map((r) => `${r[0]}: ${r[1]} without rules, ${r[2]} with ${RULES} rules (last rule acted at ${r[3]}; ${r[4]} wall, ${r[5]} CPU: ${r[6]})`),
      `classifier: ${tokenUs.toFixed(0)} µs tokens + ${scoreUs.toFixed(0)} µs score per message`,
    ]);
  } finally {
    await server.destroy();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
