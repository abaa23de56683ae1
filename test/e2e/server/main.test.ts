import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, localBridgeEnv } from '../../support/stack/bridge-process';

const root = path.join(__dirname, '../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

function start(args: string[], env: Record<string, string>): Run {
  const child = spawn(tsx, ['server/main.ts', ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Sends one raw request over a fresh socket and returns the status line (or what the socket did instead). */
function rawRequest(port: number, requestLine: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    socket.setTimeout(5_000, () => socket.destroy());
    socket.on('connect', () =>
      socket.write(`${requestLine}\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`),
    );
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', (error) => resolve(`socket error: ${error.message}`));
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
  });
}

async function waitFor(run: Run, text: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (run.output().includes(text)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never saw "${text}" in:\n${run.output()}`);
}

describe('npm start (server/main.ts)', () => {
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-main-'));
    const port = await freePort();
    env = localBridgeEnv(port, dir);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses to start without configuration, naming every missing variable at once', async () => {
    const run = start([], {});
    expect(await run.exited).toBe(1);
    for (const name of [
      'PUBLIC_BASE_URL',
      'TOKEN_ENCRYPTION_KEY',
      'HUBSPOT_CLIENT_ID',
      'SALESFORCE_CLIENT_SECRET',
      'OPS_TOKEN',
    ]) {
      expect(run.output()).toContain(`${name} is required`);
    }
  });

  it('migrates, serves /healthz, and stops cleanly on SIGTERM', async () => {
    const run = start([], env);
    await waitFor(run, 'server listening');
    expect(run.output()).toContain('database migrated');
    expect(run.output()).toContain('worker started');
    const health = await fetch(`${env.PUBLIC_BASE_URL}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'ok' });
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('is ready once a worker beats, its own or another process on split roles, and serves /metrics to the operator', async () => {
    const run = start([], env);
    await waitFor(run, 'server listening');
    const ready = await fetch(`${env.PUBLIC_BASE_URL}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready', checks: { worker: { ok: true } } });
    expect((await fetch(`${env.PUBLIC_BASE_URL}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${env.PUBLIC_BASE_URL}/metrics`, {
      headers: { authorization: `Bearer ${env.OPS_TOKEN}` },
    });
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toContain('# TYPE bridge_syncs_total counter');
    expect(text).toMatch(/^bridge_processes\{role="all"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes\{process="[^"]+"\} \d+/m);
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);

    // Split roles: the server alone is not ready until a worker process beats.
    const server = start(['--role=server'], env);
    await waitFor(server, 'server listening');
    expect((await fetch(`${env.PUBLIC_BASE_URL}/readyz`)).status).toBe(503);
    const worker = start(['--role=worker'], env);
    await waitFor(worker, 'worker started');
    for (let attempt = 0; attempt < 100; attempt += 1) {
      if ((await fetch(`${env.PUBLIC_BASE_URL}/readyz`)).status === 200) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect((await fetch(`${env.PUBLIC_BASE_URL}/readyz`)).status).toBe(200);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect((await fetch(`${env.PUBLIC_BASE_URL}/readyz`)).status).toBe(503);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });

  it('survives request lines that are not valid URLs, and still answers /healthz', async () => {
    const run = start([], env);
    await waitFor(run, 'server listening');
    const port = Number(env.PORT);
    const answers: string[] = [];
    for (const line of [
      'GET //%25/ HTTP/1.1',
      'GET //x:99999/ HTTP/1.1',
      'GET http://evil/ HTTP/1.1',
      'GET http://evil.example:99999/ops/installations HTTP/1.1',
      'GET // HTTP/1.1',
      'GET /%E0%A4%A HTTP/1.1',
      'POST //%25/webhooks/hubspot?code=secret-code HTTP/1.1',
    ]) {
      answers.push(await rawRequest(port, line));
    }
    for (const answer of answers) expect(answer).toMatch(/^HTTP\/1\.1 [45]\d\d /);
    const health = await fetch(`${env.PUBLIC_BASE_URL}/healthz`);
    expect(health.status).toBe(200);
    expect(run.child.exitCode).toBeNull();
    expect(run.output()).not.toContain('secret-code');
    expect(run.output()).not.toContain('Invalid URL');
    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('runs only the worker with --role=worker, and rejects an unknown role', async () => {
    const worker = start(['--role=worker'], env);
    await waitFor(worker, 'worker started');
    expect(worker.output()).not.toContain('server listening');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);

    const unknown = start(['--role=scheduler'], env);
    expect(await unknown.exited).toBe(2);
    expect(unknown.output()).toContain('Unknown role "scheduler"');
  });
});
