/**
 * The operator dashboard (`/ops`) and its login page, rendered by the server: a table of every installation,
 * then one section per installation with its numbers, its charts (ops-chart.ts), pause or resume, its open
 * alerts and its dead letters with Retry. No script; every form posts back to /ops with the session's form
 * token. Where each number comes from: docs/operations.md#the-operator-dashboard.
 */
import type { Failure } from '../../src/db/failures';
import type { Dashboard, InstallationPanel } from '../handlers/ops/dashboard-data';
import { CHART_WINDOW_MS } from '../handlers/ops/dashboard-data';
import { html, page, type Html } from './layout';
import { lineChart } from './ops-chart';

const opsStyles = `
  body { max-width: 82rem; margin-top: 1.5rem; }
  header { display: flex; justify-content: space-between; align-items: center; gap: 1rem; }
  header form { margin: 0; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .75rem 0; }
  th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #eaf0f6; vertical-align: top; }
  th { background: #f5f8fa; font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  section.installation { border: 1px solid #cbd6e2; border-radius: 6px; padding: .5rem 1rem 1rem; margin: 1.5rem 0; }
  .charts { display: flex; flex-wrap: wrap; gap: 1rem; }
  figure.chart { margin: 0; } figcaption { font-size: .8rem; color: #516f90; }
  svg text { font-size: 10px; fill: #516f90; } svg .axis { stroke: #cbd6e2; }
  svg .line { stroke: #0091ae; stroke-width: 1.5; } svg .line-dot { fill: #0091ae; }
  .pill { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; font-weight: 600;
          background: #eaf0f6; } .pill.ok { background: #e5f8f0; } .pill.warn { background: #fef1e0; }
  .pill.bad { background: #fde8e9; }
  form.inline { display: inline; margin: 0; }
  button.small { font: inherit; font-size: .85rem; padding: .2rem .6rem; border-radius: 4px; cursor: pointer;
                 border: 1px solid #cbd6e2; background: #fff; color: #213343; }
  button.small.primary { background: #ff7a59; border-color: #ff7a59; color: #fff; font-weight: 600; }
  .notice { border: 1px solid #7fd1b9; background: #e5f8f0; border-radius: 6px; padding: .5rem 1rem; }
  dl { grid-template-columns: max-content 1fr max-content 1fr; }
  label { display: block; font-weight: 600; margin: 1rem 0 .25rem; }
  input[type=password] { font: inherit; padding: .5rem; width: 100%; max-width: 24rem; border: 1px solid #cbd6e2;
                         border-radius: 4px; }
`;

const time = (at: number | null) =>
  at === null ? '—' : `${new Date(at).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 90) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h` : `${Math.round(hours / 24)} d`;
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(ratio < 0.1 && ratio > 0 ? 1 : 0)} %`;

function pill(text: string, tone: 'ok' | 'warn' | 'bad' | ''): Html {
  return html`<span class="pill ${tone}">${text}</span>`;
}

export function loginPage(options: { error: string | null }): string {
  return page(
    'Operator sign-in',
    html`<h1>Salesforce Bridge operations</h1>
      <p>Sign in with the bridge's operator token (<code>OPS_TOKEN</code>).</p>
      ${options.error ? html`<div class="box bad"><p>${options.error}</p></div>` : null}
      <form method="post" action="/ops/login">
        <label for="token">Operator token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <p><button class="button" type="submit">Sign in</button></p>
      </form>
      <p><small>The session lasts 12 hours, in this browser only.</small></p>`,
    { styles: opsStyles, referrer: 'same-origin' },
  );
}

const lagOf = (panel: InstallationPanel, now: number): number | null =>
  panel.health.queue.oldestMarkedAt === null ? null : Math.max(0, now - panel.health.queue.oldestMarkedAt);

function statePill(panel: InstallationPanel): Html {
  const { status } = panel.status;
  if (status === 'active' && panel.sync.state === 'running') return pill('syncing', 'ok');
  if (status === 'needs_reauth') return pill('needs reauth', 'bad');
  if (panel.sync.state === 'paused') {
    return pill(
      panel.sync.reason === 'paused_by_admin' ? 'paused' : `paused: ${panel.sync.reason ?? ''}`,
      'warn',
    );
  }
  if (panel.sync.state === 'waiting_for_budget') return pill('waiting for API budget', 'warn');
  return pill(status.replace(/_/g, ' '), 'warn');
}

function budgetText(panel: InstallationPanel): string {
  if (!panel.budget) return '—';
  const { usedToday, dailyShare } = panel.budget.salesforce;
  return `${usedToday} / ${dailyShare} (${percent(dailyShare > 0 ? usedToday / dailyShare : 0)})`;
}

function successText(panel: InstallationPanel): string {
  const rate = panel.health.recent.successRate;
  return rate === null ? '—' : percent(rate);
}

const openFailures = (panel: InstallationPanel) =>
  Object.values(panel.health.failuresByCategory).reduce((total, count) => total + count, 0);

const nameOf = (panel: InstallationPanel) =>
  panel.status.hubspot.hubDomain ?? `portal ${panel.status.portalId}`;

function summaryRow(panel: InstallationPanel, now: number): Html {
  const lag = lagOf(panel, now);
  return html`<tr data-installation="${panel.status.installationId}">
    <td><a href="#installation-${panel.status.installationId}">${nameOf(panel)}</a></td>
    <td>${statePill(panel)}</td>
    <td>${panel.status.hubspot.state.replace(/_/g, ' ')}</td>
    <td>${panel.status.salesforce.state.replace(/_/g, ' ')}</td>
    <td class="num">${lag === null ? '—' : formatDuration(lag)}</td>
    <td class="num">${panel.syncedLastHour}</td>
    <td class="num">${successText(panel)}</td>
    <td class="num">${openFailures(panel)}</td>
    <td class="num">${panel.health.openConflicts}</td>
    <td class="num">${panel.health.pendingMatches}</td>
    <td class="num">${budgetText(panel)}</td>
    <td class="num">${panel.alerts.length}</td>
  </tr>`;
}

function form(action: string, csrf: string, label: string, extra: Html | null = null, primary = false): Html {
  return html`<form class="inline" method="post" action="${action}">
    <input type="hidden" name="csrf" value="${csrf}" />${extra}
    <button class="small${primary ? ' primary' : ''}" type="submit">${label}</button>
  </form>`;
}

function deadLetterRow(panel: InstallationPanel, failure: Failure, csrf: string): Html {
  const { record } = failure;
  return html`<tr data-failure="${failure.id}">
    <td>${failure.kind === 'dead_letter' ? 'dead letter' : 'quarantine'}</td>
    <td>${failure.category}<br /><small>${failure.code}</small></td>
    <td>${record.side === 'hubspot' ? 'HubSpot' : 'Salesforce'} ${record.objectType} ${record.recordId}</td>
    <td>${failure.message}</td>
    <td class="num">${failure.attempts}</td>
    <td>${time(failure.lastFailedAt)}</td>
    <td>
      ${
        failure.state === 'retrying'
          ? pill('retry queued', '')
          : form(
              `/ops/installations/${panel.status.installationId}/failures/${failure.id}/retry`,
              csrf,
              'Retry',
            )
      }
    </td>
  </tr>`;
}

function tokenText(panel: InstallationPanel, now: number): Html {
  const { hubspot, salesforce } = panel.status;
  const hubspotToken =
    hubspot.state !== 'connected'
      ? `HubSpot ${hubspot.state.replace(/_/g, ' ')}`
      : hubspot.accessTokenExpiresAt === null
        ? 'HubSpot connected'
        : hubspot.accessTokenExpiresAt > now
          ? `HubSpot access token valid ${formatDuration(hubspot.accessTokenExpiresAt - now)} more (refreshed when due)`
          : 'HubSpot access token expired (refreshed on the next call)';
  const salesforceToken =
    salesforce.state === 'connected'
      ? `Salesforce connected${salesforce.accessTokenIssuedAt ? `, token issued ${time(salesforce.accessTokenIssuedAt)}` : ''}`
      : salesforce.state === 'needs_reauth'
        ? 'Salesforce refused the refresh token: an admin must reconnect'
        : 'Salesforce not connected';
  return html`${hubspotToken}<br />${salesforceToken}`;
}

function alertsBlock(panel: InstallationPanel): Html {
  if (panel.alerts.length === 0) return html`<p data-testid="alerts">No open alerts.</p>`;
  return html`<ul data-testid="alerts">
    ${panel.alerts.map(
      (alert) =>
        html`<li data-alert="${alert.kind}">
          ${pill(alert.severity, alert.severity === 'critical' ? 'bad' : 'warn')}
          <strong>${alert.kind}</strong>
          since ${time(alert.openedAt)}: ${alert.message}
        </li>`,
    )}
  </ul>`;
}

function installationSection(panel: InstallationPanel, now: number, csrf: string): Html {
  const id = panel.status.installationId;
  const lag = lagOf(panel, now);
  const failures = Object.entries(panel.health.failuresByCategory);
  const org = panel.budget?.salesforce.org ?? null;
  const pausedByAdmin =
    panel.sync.reason === 'paused_by_admin' || panel.status.sync.reason === 'paused_by_admin';
  const from = now - CHART_WINDOW_MS;
  return html`<section class="installation" id="installation-${id}" data-installation="${id}">
    <h2>${nameOf(panel)} ${statePill(panel)}</h2>
    <p>
      <small>portal ${panel.status.portalId} · installation <code>${id}</code></small>
      ${form(
        `/ops/installations/${id}/${pausedByAdmin ? 'resume' : 'pause'}`,
        csrf,
        pausedByAdmin ? 'Resume sync' : 'Pause sync',
        null,
        pausedByAdmin,
      )}
      ${form(`/ops/installations/${id}/reconcile`, csrf, 'Reconcile now')}
    </p>
    ${panel.sync.message ? html`<p><small>${panel.sync.message}</small></p>` : null}
    <dl>
      <dt>Lag</dt>
      <dd>${lag === null ? 'nothing waiting' : `${formatDuration(lag)} (oldest waiting change)`}</dd>
      <dt>Queue</dt>
      <dd>
        ${panel.health.queue.pending} waiting (${panel.health.queue.due} due, ${panel.health.queue.retrying}
        retrying), ${panel.health.queue.claimed} being synced
      </dd>
      <dt>Synced, last hour</dt>
      <dd>${panel.syncedLastHour} records</dd>
      <dt>Success rate, 24 h</dt>
      <dd>
        ${successText(panel)} (${panel.health.recent.synced} synced, ${panel.health.recent.failed} failing)
      </dd>
      <dt>Conflicts waiting</dt>
      <dd>${panel.health.openConflicts}</dd>
      <dt>Questions for a person</dt>
      <dd>${panel.health.pendingMatches}</dd>
      <dt>Salesforce budget today</dt>
      <dd>${budgetText(panel)}${org ? `; org ${org.used} / ${org.limit} (every integration)` : ''}</dd>
      <dt>Last synced</dt>
      <dd>${time(panel.health.lastSyncedAt)} (${panel.health.activeLinks} linked records)</dd>
      <dt>Tokens</dt>
      <dd>${tokenText(panel, now)}</dd>
      <dt>Failures by category</dt>
      <dd>
        ${failures.length === 0 ? 'none' : failures.map(([category, count]) => `${category} ${count}`).join(', ')}
      </dd>
    </dl>
    <h3>Open alerts</h3>
    ${alertsBlock(panel)}
    <div class="charts">
      ${lineChart({
        title: 'Records synced per minute',
        points: panel.samples.map((sample) => ({ at: sample.sampledAt, value: sample.synced })),
        from,
        to: now,
        format: (value) => String(Math.round(value)),
        gapMs: 2.5 * 60_000,
      })}
      ${lineChart({
        title: 'Lag (oldest waiting change)',
        points: panel.samples.map((sample) => ({ at: sample.sampledAt, value: sample.oldestAgeMs ?? 0 })),
        from,
        to: now,
        format: formatDuration,
        gapMs: 2.5 * 60_000,
        floor: 60_000,
      })}
    </div>
    <h3>Dead letters and quarantine (${openFailures(panel)})</h3>
    ${
      panel.deadLetters.length === 0
        ? html`<p>None.</p>`
        : html`<table>
            <thead>
              <tr>
                <th>kind</th>
                <th>category</th>
                <th>record</th>
                <th>what happened</th>
                <th class="num">attempts</th>
                <th>last failed</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              ${panel.deadLetters.map((failure) => deadLetterRow(panel, failure, csrf))}
            </tbody>
          </table>`
    }
  </section>`;
}

export const opsNotices = {
  paused: 'Sync paused. Changes are still recorded; resuming catches up.',
  resumed: 'Sync resumed.',
  retried: 'The record went back to the queue; the next sync resolves the failure or records it again.',
  not_open: 'That failure is no longer waiting for a retry.',
  missing: 'That installation no longer exists.',
  reconcile_requested:
    'Reconciliation asked for: the next worker compares both systems with the links and queues what differs.',
} as const;
export type OpsNotice = keyof typeof opsNotices;

export function dashboardPage(
  dashboard: Dashboard,
  options: { csrf: string; notice: OpsNotice | null },
): string {
  const { now } = dashboard;
  const panels = dashboard.installations;
  const count = (predicate: (panel: InstallationPanel) => boolean) => panels.filter(predicate).length;
  return page(
    'Operations',
    html`<header>
        <h1>Salesforce Bridge operations</h1>
        ${form('/ops/logout', options.csrf, 'Sign out')}
      </header>
      <p>
        ${panels.length} ${panels.length === 1 ? 'installation' : 'installations'}:
        ${count((panel) => panel.sync.state === 'running')} syncing,
        ${count((panel) => panel.sync.state === 'paused')} paused,
        ${count((panel) => panel.status.status === 'needs_reauth')} needing a Salesforce
        reconnect${dashboard.uninstalled > 0 ? `; ${dashboard.uninstalled} uninstalled, not shown` : ''}.
        <small>As of ${time(now)} · <a href="/ops">refresh</a></small>
      </p>
      ${options.notice ? html`<p class="notice" role="status">${opsNotices[options.notice]}</p>` : null}
      <table data-testid="installations">
        <thead>
          <tr>
            <th>installation</th>
            <th>state</th>
            <th>HubSpot</th>
            <th>Salesforce</th>
            <th class="num">lag</th>
            <th class="num">synced, 1 h</th>
            <th class="num">success, 24 h</th>
            <th class="num">failures</th>
            <th class="num">conflicts</th>
            <th class="num">questions</th>
            <th class="num">Salesforce budget</th>
            <th class="num">alerts</th>
          </tr>
        </thead>
        <tbody>
          ${panels.map((panel) => summaryRow(panel, now))}
        </tbody>
      </table>
      ${panels.map((panel) => installationSection(panel, now, options.csrf))}`,
    { styles: opsStyles, referrer: 'same-origin' },
  );
}
