/**
 * The CRM data components the preview can draw from the HubSpot emulator's record: CrmPropertyList and
 * CrmDataHighlight (property values), CrmActionButton and CrmActionLink (an external URL opens; other CRM
 * actions only say what HubSpot would do). The rest (association tables, reports, stage trackers …) have no
 * mapping and show as unknown components.
 */
import { useEffect, useState } from 'react';
import { useFrame } from '../frame-context';
import { cx, hs, sizeName, useCallRemote, type BaseProps } from './shared';

type Properties = Record<string, string | null>;

function useRecordProperties(names: string[], objectTypeId?: string, objectId?: number) {
  const frame = useFrame();
  const typeId = objectTypeId ?? frame.record?.objectTypeId;
  const id = objectId ?? frame.record?.objectId;
  const key = names.join(',');
  const [state, setState] = useState<{ properties: Properties | null; error: string | null }>({
    properties: null,
    error: null,
  });
  useEffect(() => {
    if (typeId === undefined || id === undefined) {
      setState({ properties: null, error: 'No record: this component needs a CRM record page.' });
      return;
    }
    let live = true;
    const query = new URLSearchParams({
      portalId: String(frame.portalId),
      objectTypeId: typeId,
      objectId: String(id),
      properties: key,
    });
    fetch(`/preview/api/crm-properties?${query.toString()}`)
      .then((response) => response.json() as Promise<{ data?: Properties; error?: string }>)
      .then((body) => live && setState({ properties: body.data ?? null, error: body.error ?? null }))
      .catch((error: unknown) => live && setState({ properties: null, error: String(error) }));
    return () => {
      live = false;
    };
  }, [frame.portalId, typeId, id, key]);
  return state;
}

const labelOf = (name: string) => name.replace(/_/g, ' ').replace(/^./, (first) => first.toUpperCase());

export function CrmPropertyList(
  props: BaseProps & { properties: string[]; direction?: string; objectTypeId?: string; objectId?: number },
) {
  const { properties, error } = useRecordProperties(props.properties, props.objectTypeId, props.objectId);
  return (
    <dl
      {...hs('CrmPropertyList', props)}
      className={cx(
        'pv-description-list',
        `pv-description-list--${props.direction === 'row' ? 'row' : 'column'}`,
      )}
    >
      {error && <div className="pv-field__message pv-field__message--error">{error}</div>}
      {props.properties.map((name) => (
        <div key={name} className="pv-description-list__item">
          <dt>{labelOf(name)}</dt>
          <dd>{properties ? (properties[name] ?? '--') : '…'}</dd>
        </div>
      ))}
    </dl>
  );
}

export function CrmDataHighlight(
  props: BaseProps & { properties: string[]; objectTypeId?: string; objectId?: number },
) {
  const { properties, error } = useRecordProperties(props.properties, props.objectTypeId, props.objectId);
  return (
    <div {...hs('CrmDataHighlight', props)} className="pv-statistics">
      {error && <div className="pv-field__message pv-field__message--error">{error}</div>}
      {props.properties.map((name) => (
        <div key={name} className="pv-statistics__item">
          <div className="pv-statistics__label">{labelOf(name)}</div>
          <div className="pv-statistics__number">{properties ? (properties[name] ?? '--') : '…'}</div>
        </div>
      ))}
    </div>
  );
}

interface ActionProps extends BaseProps {
  actionType: string;
  actionContext: Record<string, unknown>;
  onClick?: () => void;
  disabled?: boolean;
}

function useCrmAction(props: ActionProps) {
  const frame = useFrame();
  const callRemote = useCallRemote();
  return () => {
    callRemote(props.onClick);
    const href = props.actionContext?.href;
    if (props.actionType === 'EXTERNAL_URL' && typeof href === 'string') {
      window.open(href, '_blank', 'noopener');
      return;
    }
    frame.toast(
      `HubSpot would run the CRM action ${props.actionType} here (not available in the local preview).`,
    );
  };
}

export function CrmActionButton(
  props: ActionProps & {
    variant?: 'primary' | 'secondary' | 'destructive';
    size?: string;
    type?: 'button' | 'submit' | 'reset';
  },
) {
  const run = useCrmAction(props);
  return (
    <button
      {...hs('CrmActionButton', props)}
      type={props.type ?? 'button'}
      className={cx(
        'pv-button',
        `pv-button--${props.variant ?? 'secondary'}`,
        `pv-button--${sizeName(props.size, 'md')}`,
      )}
      disabled={props.disabled}
      onClick={run}
    >
      {props.children}
    </button>
  );
}

export function CrmActionLink(
  props: ActionProps & { variant?: 'primary' | 'light' | 'dark' | 'destructive' },
) {
  const run = useCrmAction(props);
  return (
    <a
      {...hs('CrmActionLink', props)}
      href="#"
      className={cx('pv-link', `pv-link--${props.variant ?? 'primary'}`)}
      onClick={(event) => {
        event.preventDefault();
        run();
      }}
    >
      {props.children}
    </a>
  );
}
