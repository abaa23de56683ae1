/**
 * Tabs with Tab children. The tab bar is drawn by Tabs from its children's props (a Tab's id is its `tabId`,
 * or its position); `selected` makes the extension the owner of the choice, `defaultSelected` only seeds it,
 * and `onSelectedChange(tabId)` is called either way.
 */
import {
  Children,
  createContext,
  isValidElement,
  useContext,
  useEffect,
  useReducer,
  useState,
  type ReactNode,
} from 'react';
import { cx, hs, useCallRemote, type BaseProps } from './shared';

type TabId = string | number;

interface TabInfo {
  id: TabId;
  title: string;
  disabled: boolean;
  tooltip: string | undefined;
}

/**
 * Children arrive as remote-ui's RemoteComponent elements; their `component` prop is the received node,
 * whose props are the Tab's props.
 */
function tabOf(child: ReactNode, index: number): TabInfo | null {
  if (!isValidElement(child)) return null;
  const node = (child.props as { component?: { type?: unknown; props?: Record<string, unknown> } }).component;
  if (!node || node.type !== 'Tab') return null;
  const props = node.props ?? {};
  const tabId = props.tabId;
  return {
    id: typeof tabId === 'string' || typeof tabId === 'number' ? tabId : index,
    title: typeof props.title === 'string' ? props.title : `Tab ${index + 1}`,
    disabled: props.disabled === true,
    tooltip: typeof props.tooltip === 'string' ? props.tooltip : undefined,
  };
}

const SelectedContext = createContext<TabId | undefined>(undefined);
const OwnIdContext = createContext<TabId | undefined>(undefined);
const RefreshContext = createContext<() => void>(() => undefined);

export function Tabs(
  props: BaseProps & {
    onSelectedChange?: (selectedId: TabId) => void;
    defaultSelected?: TabId;
    selected?: TabId;
    variant?: 'default' | 'enclosed';
    fill?: boolean;
  },
) {
  const callRemote = useCallRemote();
  // A Tab whose title changes re-renders on its own; it asks the bar to redraw.
  const [, refresh] = useReducer((count: number) => count + 1, 0);
  const children = Children.toArray(props.children);
  const tabs = children.map(tabOf);
  const firstEnabled = tabs.find((tab) => tab && !tab.disabled)?.id;
  const [own, setOwn] = useState<TabId | undefined>(props.defaultSelected);
  const selected = props.selected ?? own ?? firstEnabled;
  return (
    <div
      {...hs('Tabs', props)}
      className={cx(
        'pv-tabs',
        props.variant === 'enclosed' && 'pv-tabs--enclosed',
        props.fill && 'pv-tabs--fill',
      )}
    >
      <div role="tablist" className="pv-tabs__list">
        {tabs.map(
          (tab, index) =>
            tab && (
              <button
                key={index}
                type="button"
                role="tab"
                className="pv-tabs__tab"
                data-tab-id={String(tab.id)}
                aria-selected={tab.id === selected}
                disabled={tab.disabled}
                title={tab.tooltip}
                onClick={() => {
                  if (tab.id === selected) return;
                  if (props.selected === undefined) setOwn(tab.id);
                  callRemote(props.onSelectedChange, tab.id);
                }}
              >
                {tab.title}
              </button>
            ),
        )}
      </div>
      <RefreshContext.Provider value={refresh}>
        <SelectedContext.Provider value={selected}>
          {children.map((child, index) => (
            <OwnIdContext.Provider
              key={isValidElement(child) ? (child.key ?? index) : index}
              value={tabs[index]?.id ?? index}
            >
              {child}
            </OwnIdContext.Provider>
          ))}
        </SelectedContext.Provider>
      </RefreshContext.Provider>
    </div>
  );
}

export function Tab(
  props: BaseProps & { tabId?: TabId; title?: string; disabled?: boolean; tooltip?: string },
) {
  const selected = useContext(SelectedContext);
  const own = useContext(OwnIdContext);
  const refresh = useContext(RefreshContext);
  useEffect(() => refresh(), [refresh, props.title, props.disabled, props.tooltip]);
  const id = props.tabId ?? own;
  return (
    <div
      {...hs('Tab', props)}
      role="tabpanel"
      data-tab-id={String(id)}
      className="pv-tabs__panel"
      hidden={id !== selected}
    >
      {props.children}
    </div>
  );
}
