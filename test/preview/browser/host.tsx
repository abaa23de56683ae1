/**
 * The page: reads the boot JSON the server embedded, draws HubSpot-like chrome around the extensions (a
 * record page for cards, the connected app's Settings tab for the settings page) and owns what actions show
 * page-wide: alert banners, short notices, the iframe modal.
 */
import { useCallback, useMemo, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { AlertInput, ExtensionBoot, PreviewBoot, RecordSummary } from '../protocol';
import type { IframeRequest, PageUi } from './actions';
import { RecordPage, SettingsPage, TopBar } from './chrome';

interface ShownAlert extends AlertInput {
  id: number;
  from: string;
}

function PreviewApp({ boot }: { boot: PreviewBoot }) {
  const [alerts, setAlerts] = useState<ShownAlert[]>([]);
  const [toasts, setToasts] = useState<Array<{ id: number; message: string }>>([]);
  const [iframe, setIframe] = useState<{ request: IframeRequest; onClose: () => void } | null>(null);
  const [record, setRecord] = useState<RecordSummary | null>(boot.record);
  const nextId = useRef(1);

  const toast = useCallback((message: string) => {
    const id = nextId.current++;
    setToasts((current) => [...current, { id, message }]);
    setTimeout(() => setToasts((current) => current.filter((item) => item.id !== id)), 4_000);
  }, []);
  const ui = useMemo<PageUi>(
    () => ({
      addAlert: (alert: AlertInput, extension: ExtensionBoot) =>
        setAlerts((current) => [...current, { ...alert, id: nextId.current++, from: extension.title }]),
      toast,
      openIframe: (request, onClose) => setIframe({ request, onClose }),
      showRecord: setRecord,
    }),
    [toast],
  );
  const closeIframe = () => {
    iframe?.onClose();
    setIframe(null);
  };

  return (
    <div className="pv-app">
      <TopBar boot={boot} />
      {alerts.length > 0 && (
        <div className="pv-alerts" aria-live="polite">
          {alerts.map((alert) => (
            <div
              key={alert.id}
              role="alert"
              data-testid="preview-alert"
              data-alert-type={alert.type ?? 'info'}
              className={`pv-alert pv-alert--${alert.type === 'danger' ? 'error' : (alert.type ?? 'info')} pv-alerts__item`}
            >
              <div>
                {alert.title && <div className="pv-alert__title">{alert.title}</div>}
                <div className="pv-alert__body">{alert.message}</div>
              </div>
              <button
                type="button"
                className="pv-alerts__dismiss"
                aria-label="Dismiss"
                onClick={() => setAlerts((current) => current.filter((item) => item.id !== alert.id))}
              >
                ×
              </button>
            </div>
          ))}
        </div>
      )}
      {boot.page === 'card' ? (
        <RecordPage boot={boot} record={record} ui={ui} />
      ) : (
        <SettingsPage boot={boot} ui={ui} />
      )}
      <div className="pv-toasts" aria-live="polite">
        {toasts.map((item) => (
          <div key={item.id} className="pv-toast" role="status" data-testid="preview-toast">
            {item.message}
          </div>
        ))}
      </div>
      {iframe && (
        <div className="pv-backdrop" onClick={closeIframe}>
          <div
            className="pv-modal pv-modal--iframe"
            role="dialog"
            aria-modal="true"
            aria-label={iframe.request.title ?? 'Embedded page'}
            data-testid="preview-iframe-modal"
            style={{ width: Math.min(iframe.request.width, window.innerWidth - 48) }}
            onClick={(event) => event.stopPropagation()}
          >
            <div className="pv-dialog__header">
              <h2 className="pv-dialog__title">{iframe.request.title ?? ''}</h2>
              <button type="button" className="pv-dialog__close" aria-label="Close" onClick={closeIframe}>
                ×
              </button>
            </div>
            <iframe
              title={iframe.request.title ?? 'Embedded page'}
              src={iframe.request.uri}
              style={{ height: iframe.request.height, width: '100%', border: 0 }}
            />
          </div>
        </div>
      )}
    </div>
  );
}

const bootElement = document.getElementById('preview-boot');
const mountPoint = document.getElementById('preview-app');
if (!bootElement?.textContent || !mountPoint) throw new Error('the preview page is missing its boot data');
createRoot(mountPoint).render(<PreviewApp boot={JSON.parse(bootElement.textContent) as PreviewBoot} />);
