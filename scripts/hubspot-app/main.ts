/**
 * The HubSpot project's tooling:
 *
 *   npm run hubspot-app:configure -- --base-url https://sync.acme.com   stamp the bridge's public origin in
 *   npm run hubspot-app:check                                          parse the project as HubSpot's CLI would
 *
 * After stamping, upload with HubSpot's CLI from hubspot-app/ (`hs project upload`); see docs/hubspot-app.md.
 */
import path from 'node:path';
import { parseProject } from './parse';
import { parseOrigin, projectUrls, readOrigin, stampOrigin } from './stamp';

const defaultProjectDir = path.join(__dirname, '..', '..', 'hubspot-app');

function usage(): never {
  console.error(
    'usage: npm run hubspot-app:configure -- --base-url https://<bridge host>\n       npm run hubspot-app:check [-- --json] [--project DIR]',
  );
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const projectAt = rest.indexOf('--project');
  const projectDir =
    projectAt >= 0 && rest[projectAt + 1] ? path.resolve(rest[projectAt + 1]!) : defaultProjectDir;
  if (command === 'configure') {
    const at = rest.indexOf('--base-url');
    const value = at >= 0 ? rest[at + 1] : rest.find((arg) => arg.startsWith('--base-url='))?.split('=')[1];
    if (!value) usage();
    const parsed = parseOrigin(value);
    if (!parsed.ok) {
      console.error(`Not changed: ${parsed.problem}.`);
      process.exit(1);
    }
    const before = readOrigin(projectDir);
    const changed = stampOrigin(projectDir, parsed.origin);
    console.log(
      changed.length === 0
        ? `The project already uses ${parsed.origin}.`
        : `${before} → ${parsed.origin} in:\n${changed.map((file) => `  hubspot-app/${file}`).join('\n')}`,
    );
    console.log('Next: cd hubspot-app && hs project upload');
    return;
  }
  if (command === 'check') {
    const parsed = await parseProject(projectDir);
    const origin = readOrigin(projectDir);
    const foreign = projectUrls(projectDir).filter(({ url }) => new URL(url).origin !== origin);
    if (rest.includes('--json')) {
      console.log(JSON.stringify({ ...parsed, origin, urls: projectUrls(projectDir) }, null, 2));
      return;
    }
    console.log(
      `platform ${parsed.platformVersion} (newest the parser supports: ${parsed.latestSupportedPlatformVersion})`,
    );
    console.log(`bridge origin ${origin}`);
    for (const component of parsed.components) {
      console.log(
        `  ${component.componentType.padEnd(12)} ${component.uid.padEnd(28)} ${component.metaFilePath}`,
      );
    }
    if (parsed.skippedHsMetaFiles.length > 0) console.log(`skipped: ${parsed.skippedHsMetaFiles.join(', ')}`);
    for (const { file, url } of foreign) console.log(`note: ${file} names ${url}, not the bridge's origin`);
    return;
  }
  usage();
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
