/**
 * One extension on the page: its worker, the remote-ui receiver its tree arrives in, and the frame around
 * it (HubSpot's card chrome: title and app name). The frame's `data-extension-state` says where it is:
 * `starting`, `rendered` (the first tree arrived), `crashed` or `build-failed`.
 */
import {
  createController,
  createRemoteReceiver,
  RemoteRenderer,
  type Controller,
} from '@remote-ui/react/host';
import { createEndpoint, fromWebWorker } from '@remote-ui/rpc';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ExtensionBoot, WorkerApi } from '../protocol';
import { createActions, type PageUi } from './actions';
import { OverlayProvider, type OverlayController } from './components/overlays';
import { COMPONENTS, unknownComponent } from './components/registry';
import { CallbackErrorContext } from './components/shared';
import { FrameContext, type FrameServices } from './frame-context';

const base = createController(COMPONENTS);
/** remote-ui's controller throws on an unknown name; the preview draws a red box instead. */
const controller: Controller = {
  renderer: base.renderer,
  get: (type) => COMPONENTS[String(type)] ?? unknownComponent(String(type)),
};

type FrameState =
  | { status: 'starting' }
  | { status: 'rendered' }
  | { status: 'crashed'; message: string; stack: string | null }
  | { status: 'build-failed' };

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function ExtensionFrame(props: {
  extension: ExtensionBoot;
  ui: PageUi;
  appName: string;
  chrome: boolean;
}) {
  const { extension, ui } = props;
  const [state, setState] = useState<FrameState>(
    extension.buildErrors.length > 0 ? { status: 'build-failed' } : { status: 'starting' },
  );
  const [callbackErrors, setCallbackErrors] = useState<string[]>([]);
  const receiver = useMemo(() => createRemoteReceiver(), []);
  const overlays = useRef<OverlayController | null>(null);
  const uiRef = useRef(ui);
  uiRef.current = ui;
  const reportCallbackErrorRef = useRef<(error: unknown) => void>(() => undefined);

  useEffect(() => {
    if (extension.buildErrors.length > 0) return;
    const crash = (message: string, stack: string | null) => setState({ status: 'crashed', message, stack });
    const stopListening = receiver.on('mount', () =>
      setState((current) => (current.status === 'starting' ? { status: 'rendered' } : current)),
    );
    const worker = new Worker(extension.workerUrl, { name: extension.uid });
    worker.addEventListener('error', (event) => crash(event.message || 'The extension failed to load', null));
    const endpoint = createEndpoint<WorkerApi>(fromWebWorker(worker));
    const pageUi: PageUi = {
      addAlert: (alert, from) => uiRef.current.addAlert(alert, from),
      toast: (message) => uiRef.current.toast(message),
      openIframe: (request, onClose) => uiRef.current.openIframe(request, onClose),
      showRecord: (record) => uiRef.current.showRecord(record),
    };
    endpoint.call
      .render(receiver.receive, {
        context: extension.context,
        actions: createActions(extension, pageUi, () => overlays.current),
        reportError: (message, stack, fatal) =>
          fatal ? crash(message, stack) : reportCallbackErrorRef.current(new Error(message)),
      })
      .catch((error: unknown) =>
        crash(messageOf(error), error instanceof Error ? (error.stack ?? null) : null),
      );
    return () => {
      stopListening();
      endpoint.terminate();
      worker.terminate();
    };
  }, [extension, receiver]);

  const services = useMemo<FrameServices>(
    () => ({
      toast: (message) => uiRef.current.toast(message),
      portalId: extension.context.portal.id,
      record:
        extension.context.location === 'settings'
          ? null
          : { objectTypeId: extension.context.crm.objectTypeId, objectId: extension.context.crm.objectId },
    }),
    [extension],
  );
  const recentErrors = useRef<Array<{ message: string; at: number }>>([]);
  const reportCallbackError = useMemo(
    () => (error: unknown) => {
      // A handler that throws reaches the page twice: as the rejected call, and as the unhandled rejection
      // @remote-ui/rpc rethrows in the worker. Show it once.
      const message = messageOf(error);
      const now = Date.now();
      recentErrors.current = recentErrors.current.filter((seen) => now - seen.at < 2_000);
      if (recentErrors.current.some((seen) => seen.message === message)) return;
      recentErrors.current.push({ message, at: now });
      setCallbackErrors((errors) => [...errors.slice(-4), message]);
    },
    [],
  );
  reportCallbackErrorRef.current = reportCallbackError;

  return (
    <section
      className={props.chrome ? 'pv-frame' : 'pv-frame pv-frame--bare'}
      data-testid={`extension-${extension.uid}`}
      data-extension={extension.uid}
      data-extension-location={extension.location}
      data-extension-state={state.status}
      aria-label={extension.title}
    >
      {props.chrome && (
        <header className="pv-frame__header">
          <h2 className="pv-frame__title">{extension.title}</h2>
          <span className="pv-frame__app">{props.appName}</span>
          {extension.fixture && (
            <span className="pv-frame__fixture" title={extension.entrypoint}>
              preview fixture
            </span>
          )}
        </header>
      )}
      <div className="pv-frame__body" data-testid="extension-root">
        {state.status === 'starting' && (
          <div className="pv-loading pv-loading--centered" role="status">
            <span className="pv-spinner pv-spinner--sm" aria-hidden="true" />
            <span className="pv-loading__label">Loading {extension.title}…</span>
          </div>
        )}
        {state.status === 'build-failed' && (
          <div className="pv-crash" role="alert" data-testid="extension-build-errors">
            <div className="pv-crash__title">{extension.entrypoint} does not build</div>
            <pre className="pv-crash__detail">{extension.buildErrors.join('\n\n')}</pre>
          </div>
        )}
        {state.status === 'crashed' && (
          <div className="pv-crash" role="alert" data-testid="extension-crash">
            <div className="pv-crash__title">This extension stopped working: {state.message}</div>
            {state.stack && <pre className="pv-crash__detail">{state.stack}</pre>}
          </div>
        )}
        <CallbackErrorContext.Provider value={reportCallbackError}>
          <FrameContext.Provider value={services}>
            <OverlayProvider controllerRef={overlays}>
              <RemoteRenderer receiver={receiver} controller={controller} />
            </OverlayProvider>
          </FrameContext.Provider>
        </CallbackErrorContext.Provider>
        {callbackErrors.map((message, index) => (
          <div key={index} className="pv-callback-error" role="alert" data-testid="extension-callback-error">
            The extension reported an error: {message}
          </div>
        ))}
      </div>
    </section>
  );
}
