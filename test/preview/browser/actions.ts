/**
 * The actions an extension receives (`actions.addAlert(…)` and the rest), run in the page. The ones with a
 * visible effect in HubSpot have one here (an alert banner, a modal with the iframe, a reloaded page,
 * refreshed record properties, a closed overlay); the others show a short notice of what HubSpot would do.
 * Which actions a location gets follows HubSpot's types: CRM cards get the CRM host actions and the platform
 * ones, the settings page gets addAlert and the platform ones.
 */
import { release, retain } from '@remote-ui/rpc';
import type { AlertInput, ExtensionBoot, RecordSummary } from '../protocol';
import type { OverlayController } from './components/overlays';

export interface IframeRequest {
  uri: string;
  height: number;
  width: number;
  title?: string;
  flush?: boolean;
}

/** What the page offers the actions. */
export interface PageUi {
  addAlert(alert: AlertInput, extension: ExtensionBoot): void;
  toast(message: string): void;
  openIframe(request: IframeRequest, onClose: () => void): void;
  showRecord(record: RecordSummary): void;
}

type Properties = Record<string, string>;

async function readProperties(extension: ExtensionBoot, names: string[] | '*'): Promise<Properties> {
  const { context } = extension;
  if (context.location === 'settings') throw new Error('The settings page has no CRM record');
  const query = new URLSearchParams({
    portalId: String(context.portal.id),
    objectTypeId: context.crm.objectTypeId,
    objectId: String(context.crm.objectId),
    properties: names === '*' ? '*' : names.join(','),
  });
  const response = await fetch(`/preview/api/crm-properties?${query.toString()}`);
  const body = (await response.json()) as { data?: Record<string, string | null>; error?: string };
  if (body.error || !body.data) throw new Error(body.error ?? `HTTP ${response.status}`);
  return Object.fromEntries(Object.entries(body.data).map(([name, value]) => [name, value ?? '']));
}

async function readRecord(extension: ExtensionBoot): Promise<RecordSummary | null> {
  const { context } = extension;
  if (context.location === 'settings') return null;
  const query = new URLSearchParams({
    portalId: String(context.portal.id),
    objectTypeId: context.crm.objectTypeId,
    objectId: String(context.crm.objectId),
  });
  const response = await fetch(`/preview/api/record?${query.toString()}`);
  return response.ok ? ((await response.json()) as RecordSummary) : null;
}

async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Headless or unfocused pages may refuse the async clipboard; the old way still works there.
    const area = document.createElement('textarea');
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand('copy');
    area.remove();
  }
}

export function createActions(
  extension: ExtensionBoot,
  ui: PageUi,
  overlays: () => OverlayController | null,
): Record<string, (...args: never[]) => unknown> {
  const platform = {
    addAlert: (alert: AlertInput) => ui.addAlert(alert, extension),
    reloadPage: () => window.location.reload(),
    openIframeModal: (request: IframeRequest, onClose?: () => void) => {
      // The worker's callback must outlive this call: it runs when the person closes the modal.
      if (onClose) retain(onClose);
      ui.openIframe(request, () => {
        if (!onClose) return;
        void Promise.resolve(onClose()).finally(() => release(onClose));
      });
    },
    copyTextToClipboard: async (text: string) => {
      await copy(text);
      ui.toast('Copied to clipboard');
    },
    closeOverlay: (id: string) => overlays()?.close(id),
    navigateToPage: (options: { to: string; params?: Record<string, string> }) => {
      const query = new URLSearchParams(options.params ?? {}).toString();
      ui.toast(`HubSpot would open the app page ${options.to}${query ? `?${query}` : ''}`);
    },
  };
  if (extension.location === 'settings') return platform;

  const subscribers: Array<{
    names: string[] | '*';
    callback: (properties: Properties, error?: { message: string }) => void;
  }> = [];
  return {
    ...platform,
    fetchCrmObjectProperties: (names: string[] | '*') => readProperties(extension, names),
    onCrmPropertiesUpdate: (
      names: string[] | '*',
      callback: (properties: Properties, error?: { message: string }) => void,
    ) => {
      retain(callback);
      subscribers.push({ names, callback });
    },
    refreshObjectProperties: async () => {
      const record = await readRecord(extension);
      if (record) ui.showRecord(record);
      for (const subscriber of subscribers) {
        try {
          subscriber.callback(await readProperties(extension, subscriber.names));
        } catch (error) {
          subscriber.callback({}, { message: error instanceof Error ? error.message : String(error) });
        }
      }
      ui.toast('Record properties refreshed');
    },
  };
}
