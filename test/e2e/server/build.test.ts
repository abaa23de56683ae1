/**
 * The production build: `npm run build` compiles server/, src/ and migrations/ to JavaScript in dist/, and
 * `npm start` runs the compiled server under plain node (no TypeScript loader), or says how to build it; so
 * do the operator's commands, `npm run migrate` and `npm run tokens:reseal`.
 *
 * It runs in a project of its own under the temporary folder: the sources, configs and node_modules are
 * linked from this one, scripts/start.js is copied (node resolves a linked script to where it really is, and
 * it finds dist/ beside itself), so the build and the database never touch this checkout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, localBridgeEnv } from '../../support/stack/bridge-process';

// tsc on two busy cores takes a while.
jest.setTimeout(240_000);

const root = path.join(__dirname, '../../..');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function npm(dir: string, args: string[], env: Record<string, string> = {}): Run {
  const child = spawn('npm', args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: dir, npm_config_update_notifier: 'false', ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitFor(run: Run, text: string): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt += 1) {
    if (run.output().includes(text)) return;
    if (run.child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw "${text}" in:\n${run.output()}`);
}

describe('npm run build, then npm start', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-build-'));
    for (const name of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'node_modules']) {
      fs.symlinkSync(path.join(root, name), path.join(dir, name));
    }
    for (const name of ['server', 'src', 'migrations']) {
      fs.symlinkSync(path.join(root, name), path.join(dir, name), 'dir');
    }
    fs.mkdirSync(path.join(dir, 'scripts'));
    fs.copyFileSync(path.join(root, 'scripts/start.js'), path.join(dir, 'scripts/start.js'));
    const port = await freePort();
    env = localBridgeEnv(port, dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('says how to build when there is no build, and exits non-zero', async () => {
    for (const script of [['start'], ['run', 'sync-worker'], ['run', 'migrate'], ['run', 'tokens:reseal']]) {
      const run = npm(dir, script, env);
      expect(await run.exited).not.toBe(0);
      expect(run.output()).toContain('The bridge is not built');
      expect(run.output()).toContain('Run `npm run build` first');
    }
  });

  it('compiles the server, the worker and the migrations to JavaScript', async () => {
    const startedAt = Date.now();
    const build = npm(dir, ['run', 'build']);
    expect(await build.exited).toBe(0);
    const seconds = (Date.now() - startedAt) / 1_000;
    for (const file of [
      'server/main.js',
      'src/app/syncWorkerMain.js',
      'migrations/index.js',
      'migrations/20261122000100_create_installations.js',
    ]) {
      expect(fs.existsSync(path.join(dir, 'dist', file))).toBe(true);
    }
    const files = fs.readdirSync(path.join(dir, 'dist'), { recursive: true }).map(String);
    expect(files.filter((file) => file.endsWith('.ts'))).toEqual([]);
    expect(files.filter((file) => file.startsWith('test'))).toEqual([]);
    // Recorded for whoever wonders why this test is slow: tsc over the whole server.
    expect(seconds).toBeLessThan(200);
  });

  it('refuses to start without configuration, naming every missing variable at once', async () => {
    const run = npm(dir, ['start']);
    expect(await run.exited).toBe(1);
    for (const name of ['PUBLIC_BASE_URL', 'TOKEN_ENCRYPTION_KEY', 'HUBSPOT_CLIENT_ID', 'OPS_TOKEN']) {
      expect(run.output()).toContain(`${name} is required`);
    }
  });

  it('migrates SQLite, serves /healthz from the compiled server, and stops cleanly on SIGTERM', async () => {
    const run = npm(dir, ['start', '--', '--role=all'], env);
    await waitFor(run, 'server listening');
    expect(run.output()).toContain('database migrated');
    expect(run.output()).toContain('worker started');
    const health = await fetch(`${env.PUBLIC_BASE_URL}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
    expect(run.output()).toContain('shutting down');
  });

  it('migrates and re-seals tokens with the compiled commands', async () => {
    const databaseUrl = `sqlite:${path.join(dir, 'commands.sqlite')}`;
    const status = npm(dir, ['run', 'migrate', '--', 'status'], { DATABASE_URL: databaseUrl });
    expect(await status.exited).toBe(0);
    expect(status.output()).toContain('20261122000100_create_installations');
    expect(status.output()).toMatch(/pending/);

    const latest = npm(dir, ['run', 'migrate', '--', 'latest'], { DATABASE_URL: databaseUrl });
    expect(await latest.exited).toBe(0);
    expect(latest.output()).toContain('applied:');
    expect(latest.output()).toContain('20261122000100_create_installations');
    const again = npm(dir, ['run', 'migrate', '--', 'latest'], { DATABASE_URL: databaseUrl });
    expect(await again.exited).toBe(0);
    expect(again.output()).toContain('applied: []');

    // Nothing is stored yet: every token (none) is under the key, and the command says so.
    const reseal = npm(dir, ['run', 'tokens:reseal'], {
      DATABASE_URL: databaseUrl,
      TOKEN_ENCRYPTION_KEY: env.TOKEN_ENCRYPTION_KEY ?? '',
    });
    expect(await reseal.exited).toBe(0);
    expect(reseal.output()).toContain('Resealed 0 token(s)');
    // Both ran the build under plain node, not the TypeScript sources.
    for (const run of [status, reseal]) expect(run.output()).toContain('node scripts/start.js src/');
  });

  it('passes --role through: a worker alone serves nothing', async () => {
    const run = npm(dir, ['start', '--', '--role=worker'], env);
    await waitFor(run, 'worker started');
    expect(run.output()).not.toContain('server listening');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });
});
