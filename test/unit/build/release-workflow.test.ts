import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintWorkflows, workflowFiles } from '../../../build/lint-workflows.mjs';
import { interopMatrix, serverPackages, serversNeedingRoot } from '../../servers/interop';

/**
 * The release workflow (.github/workflows/release.yml) runs only on GitHub, so what can be known about it
 * here is checked here: it passes action-validator and actionlint; each job that runs the server suites
 * installs the servers it requires, as root where they need it, and runs the fault suite; its pull-request
 * filter covers every file that ships or tests the app; every action is pinned to a commit.
 */
const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(join(root, 'package.json'));
const yaml = require('js-yaml') as { load(text: string): unknown };

type Step = { name?: string; run?: string; uses?: string; if?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = {
  'runs-on': string;
  needs?: string[];
  container?: unknown;
  env?: Record<string, string>;
  strategy?: { matrix: { os: string[] } };
  steps: Step[];
};
type Workflow = { on: { pull_request: { paths: string[] } }; jobs: Record<string, Job> };
const workflowPath = join(root, '.github', 'workflows', 'release.yml');
const workflow = yaml.load(readFileSync(workflowPath, 'utf8')) as Workflow;
const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run] : []));
const runText = (job: Job) => runs(job).join('\n');

/** Debian packages an apt-get install in this shell text installs (backslash continuations joined). */
function aptPackages(script: string): string[] {
  const text = script.replace(/\\\n/g, ' ');
  return [...text.matchAll(/apt-get install ([^\n&|;]+)/g)].flatMap(([, args]) => args!.split(/\s+/).filter((a) => a && !a.startsWith('-')));
}

/** Everything a job installs with apt, including through .ci/install-system-packages. */
function installedBy(job: Job): Set<string> {
  const text = runText(job);
  const packages = aptPackages(text);
  if (text.includes('.ci/install-system-packages')) packages.push(...aptPackages(readFileSync(join(root, '.ci', 'install-system-packages'), 'utf8')));
  return new Set(packages);
}

describe('the release workflow', () => {
  it('passes action-validator (schema) and actionlint', { timeout: 60_000 }, async () => {
    expect(workflowFiles()).toContain(workflowPath);
    expect(await lintWorkflows(workflowFiles())).toEqual([]);
  });

  it('the workflow lint finds a real mistake (an unknown input, an undefined matrix property)', { timeout: 60_000 }, async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const bad = join(mkdtempSync(join(tmpdir(), 'homing-workflow-')), 'bad.yml');
    writeFileSync(bad, 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-dept: 1\n      - run: echo ${{ matrix.foo }}\n');
    const problems = await lintWorkflows([bad]);
    expect(problems.join('\n')).toContain('"fetch-dept" is not defined');
    expect(problems.join('\n')).toContain('property "foo" is not defined');
  });

  it('npm run lint lints every workflow', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.lint).toContain('node build/lint-workflows.mjs');
  });

  describe('jobs that run the server suites', () => {
    const serverJobs = Object.entries(workflow.jobs).filter(([, job]) => /test:integration|test:faults|npm test|\.ci\/run/.test(runText(job)));

    it('exist, and the installers wait for them', () => {
      expect(serverJobs.map(([name]) => name)).toEqual(['server-suites']);
      expect(workflow.jobs.package?.needs).toEqual(expect.arrayContaining(['checks', 'server-suites']));
    });

    it.each(serverJobs)('%s names the servers it requires (HOMING_INTEROP_SERVERS), installs each, and runs as root where they need it', (_name, job) => {
      // GitHub sets CI=true, under which the interop suites require all three servers: a job must say which.
      const named = job.env?.HOMING_INTEROP_SERVERS ?? job.steps.find((s) => s.env?.HOMING_INTEROP_SERVERS)?.env?.HOMING_INTEROP_SERVERS;
      expect(named, 'HOMING_INTEROP_SERVERS').toBeDefined();
      const servers = interopMatrix({ HOMING_INTEROP_SERVERS: named });
      const installed = installedBy(job);
      for (const server of servers) {
        for (const pkg of serverPackages[server]) expect(installed, `${server} needs ${pkg}`).toContain(pkg);
      }
      if (servers.some((s) => serversNeedingRoot.includes(s))) {
        const asRoot = job.container !== undefined || runs(job).filter((r) => r.includes('npm run test:')).every((r) => r.startsWith('sudo '));
        expect(asRoot, 'Cyrus and Courier start only as root').toBe(true);
      }
    });

    it.each(serverJobs)('%s runs the integration, fault, browser and packaging suites', (_name, job) => {
      expect(runs(job)).toEqual(expect.arrayContaining(['npm run test:integration', 'npm run test:faults', 'npm run test:e2e', 'npm run test:packaging']));
      // The browser suite needs a Chromium: Debian's, from the same install script our CI uses.
      expect(installedBy(job)).toContain('chromium');
    });
  });

  it('HOMING_INTEROP_SERVERS decides the interop matrix, over CI', () => {
    expect(interopMatrix({ CI: 'true', HOMING_INTEROP_SERVERS: 'dovecot' })).toEqual(['dovecot']);
    expect(interopMatrix({ HOMING_INTEROP_SERVERS: 'courier, dovecot' })).toEqual(['dovecot', 'courier']);
    expect(interopMatrix({ CI: 'true' })).toEqual(['dovecot', 'cyrus', 'courier']);
    expect(() => interopMatrix({ HOMING_INTEROP_SERVERS: 'dovecot,exchange' })).toThrow(/unknown servers: exchange/);
  });

  it('runs for every pull request that changes what ships or tests it', () => {
    // GitHub's path globs as used here: `**` any depth, `*` within one folder.
    const globToRegExp = (glob: string) =>
      new RegExp(`^${glob.split('**').map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')).join('.*')}$`);
    const patterns = workflow.on.pull_request.paths.map(globToRegExp);
    const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
    // Only documentation, benchmarks and git's own files may change without it.
    const ignorable = (file: string) => /^(docs\/|bench\/|[^/]+\.md$|\.gitignore$|\.gitattributes$)/.test(file);
    const uncovered = tracked.filter((file) => !ignorable(file) && !patterns.some((p) => p.test(file)));
    expect(uncovered).toEqual([]);
  });

  it('pins every action to a commit SHA, naming its release', () => {
    const text = readFileSync(workflowPath, 'utf8');
    const uses = [...text.matchAll(/uses: (\S+)(.*)$/gm)];
    expect(uses.length).toBeGreaterThan(5);
    for (const [, spec, comment] of uses) {
      expect(spec).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
      expect(comment).toMatch(/^ # v\d+\.\d+\.\d+$/);
    }
  });

  it('builds on Ubuntu, Windows and macOS with Node 22, after the checks', () => {
    for (const name of ['checks', 'package']) {
      const job = workflow.jobs[name]!;
      expect(job.strategy?.matrix.os).toEqual(['ubuntu-latest', 'windows-latest', 'macos-latest']);
      expect(job.steps.find((s) => s.uses?.startsWith('actions/setup-node'))?.with).toMatchObject({ 'node-version': 22 });
      expect(runs(job)).toContain('npm ci');
    }
    expect(runs(workflow.jobs.checks!)).toEqual(expect.arrayContaining(['npm run typecheck', 'npm run lint', 'npm run test:unit']));
  });

  describe('the installers job', () => {
    const job = workflow.jobs.package!;
    const text = runText(job);

    it('runs the Electron smoke test (failing if Electron is missing), then builds and uploads the installers', () => {
      expect(runs(job)).toEqual(expect.arrayContaining(['npx install-electron', 'npm run dist']));
      expect(text).toContain('xvfb-run --auto-servernum npm run test:electron');
      expect(job.steps.filter((s) => s.run?.includes('test:electron')).every((s) => s.env?.HOMING_REQUIRE_ELECTRON === '1')).toBe(true);
      const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
      for (const ext of ['AppImage', 'deb', 'rpm', 'exe', 'dmg', 'zip']) expect(String(upload?.with?.path)).toContain(`release/*.${ext}`);
    });

    it('starts the AppImage and the apt-installed deb with AppArmor’s rule on and without libfuse2, and runs the installed homing', () => {
      const stepOf = (needle: string) => job.steps.findIndex((s) => s.run?.includes(needle));
      const ruleOn = text.lastIndexOf('kernel.apparmor_restrict_unprivileged_userns=1');
      expect(ruleOn).toBeGreaterThan(text.lastIndexOf('kernel.apparmor_restrict_unprivileged_userns=0'));
      expect(stepOf('smoke-packaged.mjs appimage')).toBeGreaterThan(stepOf('npm run dist'));
      expect(text).toContain('sudo apt-get install -y ./release/*.deb');
      expect(text).toContain('node build/smoke-packaged.mjs installed');
      expect(text).toContain('node build/smoke-packaged.mjs cli homing');
      expect(text).toMatch(/libfuse2t64 libfuse2.*apt-get remove/);
      expect(text).toContain('node build/smoke-packaged.mjs cli\n');
    });
  });
});
