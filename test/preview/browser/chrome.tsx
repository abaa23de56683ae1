/**
 * HubSpot-like surroundings, approximate on purpose: a top bar, a CRM record page (summary on the left,
 * tab cards in the middle column, sidebar cards on the right) and the connected app's Settings tab.
 */
import type { PreviewBoot, RecordSummary } from '../protocol';
import type { PageUi } from './actions';
import { ExtensionFrame } from './frame';

export function TopBar({ boot }: { boot: PreviewBoot }) {
  const switchUser = (userId: string) => {
    const url = new URL(window.location.href);
    url.searchParams.set('userId', userId);
    window.location.assign(url.toString());
  };
  return (
    <header className="pv-topbar">
      <a className="pv-topbar__brand" href="/preview">
        <span className="pv-topbar__logo" aria-hidden="true">
          ⬢
        </span>
        HubSpot <span className="pv-topbar__badge">local preview</span>
      </a>
      <div className="pv-topbar__meta">
        <span>Portal {boot.portalId}</span>
        <label className="pv-topbar__user">
          <span className="pv-visually-hidden">Signed in as</span>
          <select
            value={String(boot.userId)}
            onChange={(event) => switchUser(event.target.value)}
            data-testid="preview-user"
          >
            {boot.users.map((user) => (
              <option key={user.userId} value={String(user.userId)}>
                {user.name === user.email ? user.email : `${user.name} (${user.email})`}
              </option>
            ))}
          </select>
        </label>
      </div>
    </header>
  );
}

function initials(name: string): string {
  const letters = name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => word[0]?.toUpperCase() ?? '');
  return (letters[0] ?? '?') + (letters.length > 1 ? (letters[letters.length - 1] ?? '') : '');
}

function Notice({ text }: { text: string | null }) {
  return text ? (
    <div className="pv-notice" role="note" data-testid="preview-notice">
      {text}
    </div>
  ) : null;
}

export function RecordPage(props: { boot: PreviewBoot; record: RecordSummary | null; ui: PageUi }) {
  const { boot, record } = props;
  const middle = boot.extensions.filter((extension) => extension.location === 'crm.record.tab');
  const side = boot.extensions.filter((extension) => extension.location !== 'crm.record.tab');
  const name = record?.name ?? `${record?.singular ?? 'Record'} ${record?.objectId ?? ''}`;
  const frame = (extension: PreviewBoot['extensions'][number]) => (
    <ExtensionFrame key={extension.uid} extension={extension} ui={props.ui} appName={boot.appName} chrome />
  );
  return (
    <main className="pv-record">
      <aside className="pv-record__left" aria-label="Record summary">
        <a className="pv-record__back" href="/preview">
          ‹ {record ? `${record.singular === 'Company' ? 'Companies' : `${record.singular}s`}` : 'Records'}
        </a>
        <div className="pv-record__identity">
          <div className="pv-record__avatar" aria-hidden="true">
            {initials(record?.name ?? record?.singular ?? '?')}
          </div>
          <h1 className="pv-record__name" data-testid="preview-record-name">
            {name}
          </h1>
          {record && record.name === null && (
            <div className="pv-field__message pv-field__message--error">
              The HubSpot emulator has no {record.singular.toLowerCase()} {record.objectId} in portal{' '}
              {boot.portalId}.
            </div>
          )}
        </div>
        <div className="pv-record__actions" aria-hidden="true">
          {['Note', 'Email', 'Call', 'Task', 'Meeting'].map((label) => (
            <span key={label} className="pv-record__action">
              <span className="pv-record__action-icon">{label[0]}</span>
              {label}
            </span>
          ))}
        </div>
        <h2 className="pv-record__section">About this {record?.singular.toLowerCase() ?? 'record'}</h2>
        <dl className="pv-record__properties">
          {(record?.highlights ?? []).map((item) => (
            <div key={item.label}>
              <dt>{item.label}</dt>
              <dd>{item.value || '--'}</dd>
            </div>
          ))}
        </dl>
      </aside>
      <section className="pv-record__middle" aria-label="Record tabs">
        <div className="pv-record__tabs" role="presentation">
          <span className="pv-record__tab pv-record__tab--active">Overview</span>
          <span className="pv-record__tab">Activities</span>
        </div>
        <Notice text={boot.notice} />
        {middle.map(frame)}
        {middle.length === 0 && side.length > 0 && (
          <div className="pv-placeholder-card">This record&apos;s app cards are in the right sidebar.</div>
        )}
      </section>
      <aside className="pv-record__right" aria-label="Record sidebar">
        {side.map(frame)}
        {side.length === 0 && (
          <div className="pv-placeholder-card">Associated companies, deals and tickets</div>
        )}
      </aside>
    </main>
  );
}

export function SettingsPage(props: { boot: PreviewBoot; ui: PageUi }) {
  const { boot } = props;
  return (
    <main className="pv-settings">
      <nav className="pv-settings__breadcrumb" aria-label="Breadcrumb">
        Settings › Integrations › Connected apps › <strong>{boot.appName}</strong>
      </nav>
      <header className="pv-settings__header">
        <div className="pv-settings__logo" aria-hidden="true">
          {initials(boot.appName)}
        </div>
        <h1 className="pv-settings__title">{boot.appName}</h1>
      </header>
      <div className="pv-record__tabs" role="presentation">
        <span className="pv-record__tab">Overview</span>
        <span className="pv-record__tab pv-record__tab--active">Settings</span>
      </div>
      <Notice text={boot.notice} />
      {boot.extensions.map((extension) => (
        <ExtensionFrame
          key={extension.uid}
          extension={extension}
          ui={props.ui}
          appName={boot.appName}
          chrome={false}
        />
      ))}
    </main>
  );
}
