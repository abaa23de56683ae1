/**
 * Overlays: Modal and Panel open by id, from a Button's (or Link's, Tag's, Image's …) `overlay` prop, from
 * `reactions.openModal(id)` in a click handler, and close from their × button, Escape,
 * `reactions.closeModal(id)` or `actions.closeOverlay(id)`. Tooltip is an overlay too, shown on hover.
 *
 * An overlay prop arrives as a rendered fragment, so the trigger cannot read the Modal's id from it; instead
 * each Modal or Panel registers its id with the trigger it was rendered under (OwnerContext).
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { createPortal } from 'react-dom';
import { cx, hs, sizeName, useCallRemote, type BaseProps } from './shared';

export interface Reactions {
  openPanel(id: string): void;
  closePanel(id: string): void;
  openModal(id: string): void;
  closeModal(id: string): void;
}

export interface OverlayController {
  isOpen(id: string): boolean;
  open(id: string): void;
  close(id: string): void;
  reactions: Reactions;
}

const OverlayContext = createContext<OverlayController | null>(null);

export function useOverlays(): OverlayController {
  const controller = useContext(OverlayContext);
  if (!controller) throw new Error('overlay components must render inside an OverlayProvider');
  return controller;
}

/** One per extension frame: overlay ids belong to the extension that declared them. */
export function OverlayProvider(props: {
  children: ReactNode;
  /** Receives the controller, so the frame's `closeOverlay` action can reach it. */
  controllerRef?: { current: OverlayController | null };
}) {
  const [openIds, setOpenIds] = useState<ReadonlySet<string>>(new Set());
  const open = useCallback((id: string) => setOpenIds((ids) => new Set(ids).add(id)), []);
  const close = useCallback(
    (id: string) =>
      setOpenIds((ids) => {
        const next = new Set(ids);
        next.delete(id);
        return next;
      }),
    [],
  );
  const controller = useMemo<OverlayController>(
    () => ({
      isOpen: (id) => openIds.has(id),
      open,
      close,
      reactions: { openPanel: open, closePanel: close, openModal: open, closeModal: close },
    }),
    [openIds, open, close],
  );
  if (props.controllerRef) props.controllerRef.current = controller;
  return <OverlayContext.Provider value={controller}>{props.children}</OverlayContext.Provider>;
}

interface OwnerRegistry {
  register(id: string): () => void;
}
const OwnerContext = createContext<OwnerRegistry | null>(null);

/**
 * For a component with an `overlay` prop: renders the overlay (invisible until opened, or a tooltip on
 * hover) and opens what it declared when the trigger is used.
 */
export function useOverlayOwner(overlay: ReactNode): { openOwned(): void; rendered: ReactNode } {
  const overlays = useOverlays();
  const owned = useRef(new Set<string>());
  const registry = useMemo<OwnerRegistry>(
    () => ({
      register(id) {
        owned.current.add(id);
        return () => owned.current.delete(id);
      },
    }),
    [],
  );
  return {
    openOwned: () => owned.current.forEach((id) => overlays.open(id)),
    rendered:
      overlay === undefined || overlay === null ? null : (
        <OwnerContext.Provider value={registry}>{overlay}</OwnerContext.Provider>
      ),
  };
}

/** Wraps a trigger and its overlay so a Tooltip can show on hover or focus. */
export function OverlayAnchor(props: { children: ReactNode; overlay: ReactNode; inline?: boolean }) {
  if (props.overlay === null) return <>{props.children}</>;
  return (
    <span className={cx('pv-anchor', props.inline === false && 'pv-anchor--block')}>
      {props.children}
      {props.overlay}
    </span>
  );
}

interface DialogProps extends BaseProps {
  id: string;
  title?: string;
  'aria-label'?: string;
  width?: string;
  onOpen?: () => void;
  onClose?: () => void;
}

/** Registers with the trigger, tells the extension when it opens and closes, closes on Escape. */
function useDialog(props: DialogProps) {
  const overlays = useOverlays();
  const owner = useContext(OwnerContext);
  const callRemote = useCallRemote();
  const isOpen = overlays.isOpen(props.id);
  const wasOpen = useRef(false);
  useEffect(() => owner?.register(props.id), [owner, props.id]);
  useEffect(() => {
    if (isOpen === wasOpen.current) return;
    wasOpen.current = isOpen;
    callRemote(isOpen ? props.onOpen : props.onClose);
  });
  useEffect(() => {
    if (!isOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') overlays.close(props.id);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [isOpen, overlays, props.id]);
  return { isOpen, close: () => overlays.close(props.id) };
}

function DialogHeader(props: { title: string | undefined; onClose: () => void }) {
  return (
    <div className="pv-dialog__header">
      <h2 className="pv-dialog__title">{props.title ?? ''}</h2>
      <button type="button" className="pv-dialog__close" aria-label="Close" onClick={props.onClose}>
        ×
      </button>
    </div>
  );
}

export function Modal(props: DialogProps & { variant?: 'danger' | 'default' }) {
  const { isOpen, close } = useDialog(props);
  if (!isOpen) return null;
  return createPortal(
    <div className="pv-backdrop" onClick={close}>
      <div
        {...hs('Modal', props)}
        role="dialog"
        aria-modal="true"
        aria-label={props['aria-label'] ?? props.title}
        className={cx(
          'pv-modal',
          `pv-modal--${sizeName(props.width, 'sm')}`,
          props.variant === 'danger' && 'pv-modal--danger',
        )}
        onClick={(event) => event.stopPropagation()}
      >
        <DialogHeader title={props.title} onClose={close} />
        {props.children}
      </div>
    </div>,
    document.body,
  );
}

export function ModalBody(props: BaseProps) {
  return (
    <div {...hs('ModalBody', props)} className="pv-dialog__body">
      {props.children}
    </div>
  );
}

export function ModalFooter(props: BaseProps) {
  return (
    <div {...hs('ModalFooter', props)} className="pv-dialog__footer">
      {props.children}
    </div>
  );
}

export function Panel(props: DialogProps & { variant?: 'modal' | 'default' }) {
  const { isOpen, close } = useDialog(props);
  if (!isOpen) return null;
  const panel = (
    <aside
      {...hs('Panel', props)}
      role="dialog"
      aria-label={props['aria-label'] ?? props.title}
      className={cx('pv-panel', `pv-panel--${sizeName(props.width, 'sm')}`)}
      onClick={(event) => event.stopPropagation()}
    >
      <DialogHeader title={props.title} onClose={close} />
      {props.children}
    </aside>
  );
  return createPortal(
    props.variant === 'modal' ? (
      <div className="pv-backdrop pv-backdrop--panel" onClick={close}>
        {panel}
      </div>
    ) : (
      panel
    ),
    document.body,
  );
}

export function PanelBody(props: BaseProps) {
  return (
    <div {...hs('PanelBody', props)} className="pv-dialog__body">
      {props.children}
    </div>
  );
}

export function PanelSection(props: BaseProps & { flush?: boolean }) {
  return (
    <section {...hs('PanelSection', props)} className={cx('pv-panel__section', props.flush && 'pv-flush')}>
      {props.children}
    </section>
  );
}

export function PanelFooter(props: BaseProps) {
  return (
    <div {...hs('PanelFooter', props)} className="pv-dialog__footer">
      {props.children}
    </div>
  );
}

/** Shown on hover or focus of the element it is the overlay of (see OverlayAnchor). */
export function Tooltip(props: BaseProps & { placement?: 'top' | 'bottom' | 'left' | 'right' }) {
  return (
    <span
      {...hs('Tooltip', props)}
      role="tooltip"
      className={cx('pv-tooltip', `pv-tooltip--${props.placement ?? 'top'}`)}
    >
      {props.children}
    </span>
  );
}
