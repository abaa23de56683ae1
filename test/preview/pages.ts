/**
 * The preview's HTML: the shell of a card or settings page (the host script draws the rest from the boot
 * JSON), a plain error page, and the index of what can be opened.
 */
import path from 'node:path';
import type { PreviewBoot } from './protocol';
import { REPOSITORY_ROOT, type PreviewProject, type ProjectExtension } from './project';
import { OBJECT_TYPES } from './portal';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** JSON that is safe inside a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function document(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · HubSpot local preview</title>
<link rel="stylesheet" href="/preview/assets/preview.css">
</head>
<body>
${body}
</body>
</html>
`;
}

export function previewPage(title: string, boot: PreviewBoot): string {
  return document(
    title,
    `<div id="preview-app"></div>
<script type="application/json" id="preview-boot">${scriptJson(boot)}</script>
<script src="/preview/assets/host.js"></script>`,
  );
}

export function errorPage(title: string, message: string): string {
  return document(
    title,
    `<main class="pv-index">
<h1>${escapeHtml(title)}</h1>
<div class="pv-crash" role="alert" data-testid="preview-error"><div class="pv-crash__title">${escapeHtml(message)}</div></div>
<p><a class="pv-link pv-link--primary" href="/preview">All previews</a></p>
</main>`,
  );
}

export interface IndexRecord {
  objectTypeId: string;
  objectId: string;
  name: string;
}

export interface IndexInput {
  project: PreviewProject;
  appName: string;
  portalId: number;
  records: IndexRecord[];
  cardUrl(objectTypeId: string, objectId: string): string;
  settingsUrl: string;
}

function extensionRow(extension: ProjectExtension): string {
  const types = extension.objectTypeIds
    .map((id) => `${OBJECT_TYPES[id]?.objectType ?? id} (${id})`)
    .join(', ');
  return `<tr>
<td><strong>${escapeHtml(extension.title)}</strong><div class="pv-text--microcopy">${escapeHtml(extension.uid)}</div></td>
<td>${escapeHtml(extension.location)}</td>
<td>${escapeHtml(types || '—')}</td>
<td><code>${escapeHtml(extension.entrypoint)}</code>${extension.fixture ? ' <span class="pv-frame__fixture">preview fixture</span>' : ''}</td>
</tr>`;
}

export function indexPage(input: IndexInput): string {
  const { project } = input;
  const cards = project.extensions.filter((extension) => extension.kind === 'card');
  const settings = project.extensions.find((extension) => extension.kind === 'settings');
  const shownTypes = new Set(cards.flatMap((card) => card.objectTypeIds));
  const records = input.records.filter((record) => shownTypes.has(record.objectTypeId));
  const problems =
    project.problems.length === 0
      ? ''
      : `<div class="pv-alert pv-alert--error" role="alert"><div class="pv-alert__title">The project has problems</div><ul>${project.problems
          .map((problem) => `<li>${escapeHtml(problem)}</li>`)
          .join('')}</ul></div>`;
  const recordRows = records
    .map(
      (record) => `<tr>
<td>${escapeHtml(OBJECT_TYPES[record.objectTypeId]?.singular ?? record.objectTypeId)}</td>
<td>${escapeHtml(record.name)}</td>
<td><code>${escapeHtml(record.objectId)}</code></td>
<td><a class="pv-link pv-link--primary" href="${escapeHtml(input.cardUrl(record.objectTypeId, record.objectId))}">Open the card</a></td>
</tr>`,
    )
    .join('\n');
  const example = `${input.cardUrl(cards[0]?.objectTypeIds[0] ?? '0-1', '0').replace(/objectId=0$/, 'objectId=')}<id>`;
  return document(
    'Index',
    `<main class="pv-index" data-testid="preview-index">
<h1>${escapeHtml(input.appName)} <span class="pv-topbar__badge">local preview</span></h1>
<p class="pv-text">The app's UI extensions from <code>${escapeHtml(path.relative(REPOSITORY_ROOT, project.projectDir) || '.')}/</code>, rendered by a local host built on
HubSpot's own libraries. Portal ${input.portalId} of the HubSpot emulator; add <code>&amp;userId=…</code> to a URL to render it for another user.</p>
${problems}
<h2>Settings page</h2>
${
  settings
    ? `<p><a class="pv-button pv-button--primary pv-button--md" href="${escapeHtml(input.settingsUrl)}" data-testid="index-settings-link">Open the settings page</a>
 <code>${escapeHtml(settings.entrypoint)}</code>${settings.fixture ? ' <span class="pv-frame__fixture">preview fixture</span>' : ''}</p>`
    : '<p>The project has no settings page.</p>'
}
<h2>Cards</h2>
${
  cards.length > 0
    ? `<div class="pv-table-wrap"><table class="pv-table pv-table--bordered pv-table--default"><thead><tr><th>Card</th><th>Location</th><th>Object types</th><th>Entry</th></tr></thead><tbody>${cards
        .map(extensionRow)
        .join('')}</tbody></table></div>`
    : '<p>The project has no cards.</p>'
}
<h2>Records to open a card on</h2>
<p class="pv-text">Any other record: <code>${escapeHtml(example)}</code></p>
${
  recordRows
    ? `<div class="pv-table-wrap"><table class="pv-table pv-table--bordered pv-table--condensed" data-testid="index-records"><thead><tr><th>Type</th><th>Name</th><th>Id</th><th></th></tr></thead><tbody>${recordRows}</tbody></table></div>`
    : `<p class="pv-text">Portal ${input.portalId} has no records of the types the cards show on yet.</p>`
}
</main>`,
  );
}
