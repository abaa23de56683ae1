/**
 * esbuild bundles for the preview: the page's host (React DOM and the component mappings) and one worker
 * bundle per extension (the preview's worker runtime first, then the extension's entry file). Built once
 * and kept; a request rebuilds a bundle when one of its own source files (not node_modules) changed since.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { REPOSITORY_ROOT } from './project';

export const BROWSER_DIR = path.join(__dirname, 'browser');

export type BundleResult = { ok: true; code: string } | { ok: false; errors: string[] };

const COMMON: esbuild.BuildOptions = {
  bundle: true,
  write: false,
  metafile: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  jsx: 'automatic',
  sourcemap: 'inline',
  logLevel: 'silent',
  absWorkingDir: REPOSITORY_ROOT,
  // Entry files outside the repository (a project elsewhere) still find React and the SDK here.
  nodePaths: [path.join(REPOSITORY_ROOT, 'node_modules')],
};

class Bundle {
  private context: esbuild.BuildContext | null = null;
  private result: BundleResult | null = null;
  /** Source files of the last good build and their modification times. */
  private inputs = new Map<string, number>();
  private building: Promise<BundleResult> | null = null;

  constructor(private readonly options: esbuild.BuildOptions) {}

  async get(): Promise<BundleResult> {
    if (this.building) return this.building;
    if (this.result?.ok && !this.changed()) return this.result;
    this.building = this.build().finally(() => (this.building = null));
    return this.building;
  }

  async dispose(): Promise<void> {
    await this.building?.catch(() => undefined);
    await this.context?.dispose();
    this.context = null;
  }

  private changed(): boolean {
    for (const [file, mtimeMs] of this.inputs) {
      try {
        if (fs.statSync(file).mtimeMs !== mtimeMs) return true;
      } catch {
        return true;
      }
    }
    return false;
  }

  private async build(): Promise<BundleResult> {
    try {
      this.context ??= await esbuild.context(this.options);
      const output = await this.context.rebuild();
      this.inputs = new Map();
      for (const input of Object.keys(output.metafile?.inputs ?? {})) {
        if (input.includes('node_modules')) continue;
        const file = path.resolve(REPOSITORY_ROOT, input);
        // The generated entry (esbuild's stdin) is no file.
        if (fs.existsSync(file)) this.inputs.set(file, fs.statSync(file).mtimeMs);
      }
      const code = output.outputFiles?.[0]?.text;
      this.result =
        code === undefined ? { ok: false, errors: ['esbuild produced no output'] } : { ok: true, code };
    } catch (error) {
      const messages = (error as Partial<esbuild.BuildFailure>).errors;
      this.result = {
        ok: false,
        errors: messages
          ? await esbuild.formatMessages(messages, { kind: 'error', color: false })
          : [error instanceof Error ? error.message : String(error)],
      };
    }
    return this.result;
  }
}

export class Bundler {
  private readonly host: Bundle;
  private readonly extensions = new Map<string, Bundle>();

  constructor(private readonly nodeEnv: 'development' | 'production' = 'development') {
    this.host = new Bundle({
      ...COMMON,
      entryPoints: [path.join(BROWSER_DIR, 'host.tsx')],
      outfile: 'preview-host.js',
      define: { 'process.env.NODE_ENV': JSON.stringify(nodeEnv) },
    });
  }

  hostBundle(): Promise<BundleResult> {
    return this.host.get();
  }

  /** The worker for one extension entry file: the runtime's globals exist before the entry loads. */
  extensionBundle(entryFile: string): Promise<BundleResult> {
    let bundle = this.extensions.get(entryFile);
    if (!bundle) {
      bundle = new Bundle({
        ...COMMON,
        stdin: {
          contents: `import ${JSON.stringify(path.join(BROWSER_DIR, 'worker.ts'))};\nimport ${JSON.stringify(entryFile)};\n`,
          resolveDir: path.dirname(entryFile),
          sourcefile: '<preview-extension-entry>.ts',
          loader: 'ts',
        },
        outfile: 'preview-extension.js',
        define: { 'process.env.NODE_ENV': JSON.stringify(this.nodeEnv) },
      });
      this.extensions.set(entryFile, bundle);
    }
    return bundle.get();
  }

  async close(): Promise<void> {
    await Promise.all([this.host, ...this.extensions.values()].map((bundle) => bundle.dispose()));
  }
}
