import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { electronImporters, forbiddenPackages, layers, noNodeBuiltins } from './layers.mjs';

const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const layerNames = Object.keys(layers).sort((a, b) => b.length - a.length);

const toPosix = (p) => p.split(sep).join('/');
const layerOf = (path) => layerNames.find((name) => path === name || path.startsWith(`${name}/`));
const bare = (entry) => entry.replace(/\.(ts|tsx|mjs|js|json)$/, '');
const within = (path, entry) => path === entry || bare(path) === bare(entry) || path.startsWith(`${entry}/`);
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep the dependency direction: renderer → shared ← electron, and the layers inside electron/.' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      layer: '{{from}} may not import {{to}} (allowed: {{allowed}}). See build/eslint/layers.mjs.',
      electron: 'Only the Electron shell and named adapters may import `electron` ({{allowed}}).',
      forbidden: '{{from}} may not use the package {{pkg}}.',
      builtin: '{{from}} runs without Node: it may not import {{pkg}}.',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? context.cwd;
    const file = toPosix(relative(root, context.filename));
    const from = layerOf(file);
    if (!from) return {};

    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = toPosix(relative(root, resolve(dirname(context.filename), spec)));
        const allowed = layers[from];
        if (!allowed.some((entry) => within(target, entry))) {
          context.report({ node, messageId: 'layer', data: { from, to: target, allowed: allowed.join(', ') } });
        }
        return;
      }
      const pkg = packageName(spec);
      if (pkg === 'electron' && !electronImporters.some((entry) => within(file, entry.replace(/\/$/, '')))) {
        context.report({ node, messageId: 'electron', data: { allowed: electronImporters.join(', ') } });
      }
      const top = from.split('/')[0];
      if ((forbiddenPackages[top] ?? []).includes(pkg)) {
        context.report({ node, messageId: 'forbidden', data: { from, pkg } });
      }
      if (noNodeBuiltins.includes(top) && builtins.has(spec)) {
        context.report({ node, messageId: 'builtin', data: { from, pkg: spec } });
      }
    };

    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') {
          check(node, node.arguments[0].value);
        }
      },
    };
  },
};
