// @ts-check
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');
const fs = require('node:fs');
const path = require('node:path');

/** The top of src/ below the composition root: none of them imports another. */
const PEERS = ['install', 'changes', 'sync'];

/**
 * The layers of src/, lowest first: each folder (and the two modules at its root) with the parts of src/ it may
 * import. Lower layers never import higher ones; install/, changes/ and sync/ are peers that share only what
 * sits below them; app/ (the composition root and entry points) and server/ may import anything in src/.
 * npm packages are free except the ones a row bans.
 */
const LAYERS = {
  // Pure decisions and types: no I/O.
  domain: {
    imports: [],
    packages: ['fs', 'node:*', 'http', 'https', 'knex', 'pg', 'jsforce', '@hubspot/*', 'pino'],
  },
  // The Logger interface the layers above the tables take.
  logger: { imports: [] },
  // The Metrics interface the layers report to (src/ops keeps the counts).
  metrics: { imports: [] },
  // The only reader of the environment, itself read only by src/app and the entry points (ENTRY_POINTS).
  config: { imports: [] },
  db: { imports: ['domain'], outside: ['migrations'] },
  // Wire records in and out; the database is not theirs to touch.
  connectors: { imports: ['domain'], packages: ['knex', 'pg', 'sqlite3'] },
  queue: { imports: ['domain', 'logger', 'metrics', 'db'] },
  auth: { imports: ['domain', 'logger', 'metrics', 'db', 'connectors'] },
  settings: { imports: ['domain', 'logger', 'metrics', 'db', 'connectors', 'auth'] },
  budget: { imports: ['domain', 'logger', 'metrics', 'db', 'connectors', 'settings'] },
  install: {
    imports: ['domain', 'logger', 'metrics', 'db', 'connectors', 'queue', 'auth', 'settings', 'budget'],
  },
  changes: {
    imports: ['domain', 'logger', 'metrics', 'db', 'connectors', 'queue', 'auth', 'settings', 'budget'],
  },
  sync: {
    imports: ['domain', 'logger', 'metrics', 'db', 'connectors', 'queue', 'auth', 'settings', 'budget'],
  },
  // Reconciliation: a full comparison of both systems with the links, which marks what change detection
  // missed; it reads with the sync's context and hands findings over as change detection's payloads.
  reconcile: {
    imports: [
      'domain',
      'logger',
      'metrics',
      'db',
      'connectors',
      'queue',
      'auth',
      'settings',
      'budget',
      ...PEERS,
    ],
  },
  // What operators read: the metrics registry and its scrape, process heartbeats, readiness.
  ops: { imports: ['domain', 'logger', 'metrics', 'db', 'budget'] },
  // The composition root and the entry points.
  app: {
    imports: [
      'domain',
      'logger',
      'metrics',
      'config',
      'db',
      'connectors',
      'queue',
      'auth',
      'settings',
      'budget',
      'ops',
      'reconcile',
      ...PEERS,
    ],
  },
};

/** Entry points outside src/app: they read the configuration, as src/app does. */
const ENTRY_POINTS = { 'src/db/cli.ts': 'db', 'src/auth/resealCli.ts': 'auth' };

/** What sits beside src/ and builds on it (src/db runs the migrations). */
const OUTSIDE = ['server', 'test', 'scripts', 'hubspot-app', 'migrations'];

/** `src/sync` for a folder, `src/config.ts` for a module at the root. */
function nameOf(layer) {
  return fs.existsSync(path.join(__dirname, 'src', `${layer}.ts`)) ? `src/${layer}.ts` : `src/${layer}`;
}

function message(from, to) {
  const rule = `${nameOf(from)} must not import ${nameOf(to)}`;
  if (to === 'app') return `${rule}: only server/ and the entry points start from the composition root`;
  if (to === 'config') return `${rule}: only src/app and the entry points read it; pass the values in`;
  if (PEERS.includes(from) && PEERS.includes(to)) return `${rule}: share through src/queue or src/domain`;
  const allowed = LAYERS[from].imports.map(nameOf);
  return `${rule}: layers import downward, and ${nameOf(from)} imports ${allowed.join(', ') || 'nothing of ours'}`;
}

/**
 * no-restricted-imports for a file `depth` folders below src/. The same relative path names a different folder
 * at each depth (from src/domain/plan/, `../settings` is src/domain/settings), so the patterns are per depth.
 */
function restriction(layer, depth, { readsConfig = false } = {}) {
  const { imports, packages = [], outside = [] } = LAYERS[layer];
  const up = '../'.repeat(depth) || './';
  const patterns = [];
  for (const target of Object.keys(LAYERS)) {
    if (target === layer || imports.includes(target) || (readsConfig && target === 'config')) continue;
    const group = [`${up}${target}`, `${up}${target}/**`, `**/src/${target}`, `**/src/${target}/**`];
    patterns.push({ group, message: message(layer, target) });
  }
  for (const folder of OUTSIDE.filter((folder) => !outside.includes(folder))) {
    const group = [`${'../'.repeat(depth + 1)}${folder}`, `${'../'.repeat(depth + 1)}${folder}/**`];
    patterns.push({
      group,
      message: `${nameOf(layer)} must not import ${folder}/: ${folder}/ builds on src/`,
    });
  }
  if (layer === 'domain') {
    patterns.push({
      group: packages,
      message: 'src/domain does no I/O: it takes values and returns decisions',
    });
  } else if (packages.length > 0) {
    patterns.push({ group: packages, message: `${nameOf(layer)} never touches the database` });
  }
  patterns.push({ group: ['express', 'express/**'], message: 'src/ has no express: HTTP lives in server/' });
  return ['error', { patterns }];
}

/** How many folders below `dir` its deepest TypeScript file sits (1 for a file directly in it). */
function depthOf(dir) {
  let deepest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) deepest = Math.max(deepest, 1 + depthOf(path.join(dir, entry.name)));
    else if (entry.name.endsWith('.ts')) deepest = Math.max(deepest, 1);
  }
  return deepest;
}

/** One block per part of src/ (per depth of its files), then the entry points, then server/. */
function layerBlocks() {
  const blocks = [];
  for (const entry of fs.readdirSync(path.join(__dirname, 'src'), { withFileTypes: true })) {
    const layer = entry.name.replace(/\.ts$/, '');
    if (!LAYERS[layer])
      throw new Error(`src/${entry.name} has no row in the layer table of eslint.config.js`);
    if (!entry.isDirectory()) {
      blocks.push({
        files: [`src/${entry.name}`],
        rules: { 'no-restricted-imports': restriction(layer, 0) },
      });
      continue;
    }
    for (let depth = 1; depth <= depthOf(path.join(__dirname, 'src', layer)); depth += 1) {
      const files = [`src/${layer}/${'*/'.repeat(depth - 1)}*.ts`];
      blocks.push({ files, rules: { 'no-restricted-imports': restriction(layer, depth) } });
    }
  }
  for (const [file, layer] of Object.entries(ENTRY_POINTS)) {
    const restricted = restriction(layer, file.split('/').length - 2, { readsConfig: true });
    blocks.push({ files: [file], rules: { 'no-restricted-imports': restricted } });
  }
  // server/ imports anything in src/; the configuration only in server/main.ts; test/ never.
  for (let depth = 1; depth <= depthOf(path.join(__dirname, 'server')); depth += 1) {
    const up = '../'.repeat(depth);
    const files = [`server/${'*/'.repeat(depth - 1)}*.ts`];
    const test = { group: [`${up}test`, `${up}test/**`], message: 'server/ must not import test/' };
    const config = {
      group: [`${up}src/config`],
      message:
        'server/ reads src/config.ts only in server/main.ts; handlers take what they need from their deps',
    };
    const rule = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
    blocks.push({ files, ignores: ['server/main.ts'], rules: rule([config, test]) });
    if (depth === 1) blocks.push({ files: ['server/main.ts'], rules: rule([test]) });
  }
  return blocks;
}

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'bench-results/**', 'coverage/**', 'dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Under verbatimModuleSyntax, `import { type A } from 'x'` still loads x; `import type` does not.
      '@typescript-eslint/no-import-type-side-effects': 'error',
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // src/domain is pure: no clock (its imports are in the layer table above).
    files: ['src/domain/**/*.ts'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'Time is an argument in src/domain.' },
      ],
    },
  },
  ...layerBlocks(),
  {
    files: ['test/**/*.ts', 'test/**/*.tsx', 'server/main.ts', 'src/db/cli.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off' },
  },
);
