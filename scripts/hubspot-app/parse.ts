/**
 * The project as HubSpot's own parser reads it (`@hubspot/project-parsing-lib`, the library behind the
 * CLI's upload), offline: schema validation needs HubSpot's servers and is skipped.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ParsedComponent {
  uid: string;
  componentType: string;
  metaFilePath: string;
  config: Record<string, unknown>;
}

export interface ParsedProject {
  platformVersion: string;
  latestSupportedPlatformVersion: string;
  components: ParsedComponent[];
  skippedHsMetaFiles: string[];
}

export async function parseProject(projectDir: string): Promise<ParsedProject> {
  const project = JSON.parse(fs.readFileSync(path.join(projectDir, 'hsproject.json'), 'utf8')) as {
    srcDir: string;
    platformVersion: string;
  };
  const { translate } = await import('@hubspot/project-parsing-lib/translate');
  const { LATEST_SUPPORTED_PLATFORM_VERSION } = await import('@hubspot/project-parsing-lib/projects');
  const result = await translate(
    { projectSourceDir: path.join(projectDir, project.srcDir), platformVersion: project.platformVersion },
    { skipValidation: true },
  );
  const nodes = result.intermediateRepresentation.intermediateNodesIndexedByUid;
  return {
    platformVersion: project.platformVersion,
    latestSupportedPlatformVersion: LATEST_SUPPORTED_PLATFORM_VERSION,
    components: Object.values(nodes).map((node) => ({
      uid: node.uid,
      componentType: node.componentType,
      metaFilePath: node.metaFilePath,
      config: node.config as Record<string, unknown>,
    })),
    skippedHsMetaFiles: result.skippedHsMetaFiles,
  };
}
