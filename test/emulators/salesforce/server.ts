/** The HTTP server: API routes through the pipeline, `/_emulator/` to the control API. */

import type { Server, Socket } from 'node:net';
import { createServer } from 'node:http';
import type { EmulatorState } from './core/state';
import { controlRoutes, handleControlCall } from './control/routes';
import { handleApiCall } from './http/pipeline';
import type { Route } from './http/router';
import { oauthRoutes } from './routes/oauth';
import { queryRoutes } from './routes/query';
import { sobjectRoutes } from './routes/sobjects';
import { versionRoutes } from './routes/versions';
import { collectionRoutes } from './routes/collections';
import { replicationRoutes } from './routes/replication';
import { bulkRoutes } from './routes/bulk';
import { CometdEndpoint } from './cdc/cometd';

/** Order matters: fixed paths (describe, updated, deleted) before `:id` patterns. */
export function apiRoutes(): Route[] {
  return [
    ...oauthRoutes(),
    ...versionRoutes(),
    ...queryRoutes(),
    ...collectionRoutes(),
    ...replicationRoutes(),
    ...bulkRoutes(),
    ...sobjectRoutes(),
  ];
}

export interface RunningServer {
  port: number;
  close(): Promise<void>;
}

export function listen(
  state: EmulatorState,
  port: number,
  host: string,
  baseUrlFor: (port: number) => string,
): Promise<RunningServer> {
  const routes = apiRoutes();
  const control = controlRoutes();
  let baseUrl = '';
  const sockets = new Set<Socket>();
  const cometd = new CometdEndpoint(state);
  state.cdc.publisher = (org, events) => cometd.publish(org, events);
  // Node refuses headers over 16 KiB on its own; the emulator applies Salesforce's limit itself instead.
  const server = createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    if (cometd.handles(req.url ?? '')) return cometd.handle(req, res);
    const handled = (req.url ?? '').startsWith('/_emulator/')
      ? handleControlCall(state, control, baseUrl, req, res)
      : handleApiCall(state, routes, baseUrl, req, res);
    handled.catch((error: unknown) => {
      console.error('salesforce emulator: request failed', error);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = (server as Server).address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      baseUrl = baseUrlFor(actualPort);
      resolve({
        port: actualPort,
        close: () =>
          new Promise<void>((done) => {
            state.cdc.publisher = null;
            // Answers held CometD long-polls; a moment later whatever is still open (hung calls) is cut.
            cometd.close();
            server.close(() => done());
            setTimeout(() => {
              for (const socket of sockets) socket.destroy();
            }, 50);
          }),
      });
    });
  });
}
