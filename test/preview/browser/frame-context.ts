/**
 * What components need from the page around them: a way to show a short notice, and which record the
 * extension is rendered on (for the CRM data components).
 */
import { createContext, useContext } from 'react';

export interface FrameServices {
  toast(message: string): void;
  portalId: number;
  record: { objectTypeId: string; objectId: number } | null;
}

export const FrameContext = createContext<FrameServices>({
  toast: (message) => console.info(`[preview] ${message}`),
  portalId: 0,
  record: null,
});

export function useFrame(): FrameServices {
  return useContext(FrameContext);
}
