/** The slice of faye's server API the CometD endpoint uses (faye ships no types). */
declare module 'faye' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface BayeuxMessage {
    channel: string;
    clientId?: string;
    id?: string;
    subscription?: string | string[];
    successful?: boolean;
    error?: string;
    advice?: Record<string, unknown>;
    ext?: Record<string, unknown>;
    data?: unknown;
  }

  export interface Extension {
    incoming?(
      message: BayeuxMessage,
      request: IncomingMessage | null,
      callback: (message: BayeuxMessage) => void,
    ): void;
    outgoing?(
      message: BayeuxMessage,
      request: IncomingMessage | null,
      callback: (message: BayeuxMessage) => void,
    ): void;
  }

  export class NodeAdapter {
    constructor(options: { mount: string; timeout?: number });
    addExtension(extension: Extension): void;
    handle(request: IncomingMessage, response: ServerResponse): void;
    getClient(): { publish(channel: string, data: unknown): unknown; disconnect(): void };
    close(): void;
  }
}
