/** An operator's alert webhook for tests: a real HTTP server that keeps every request it receives. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedDelivery {
  body: string;
  headers: http.IncomingHttpHeaders;
}

export interface AlertReceiver {
  url: string;
  received: ReceivedDelivery[];
  close(): Promise<void>;
}

/** Answers each request with the next status of `statuses`, then 204 to every later one. */
export async function startAlertReceiver(statuses: number[] = []): Promise<AlertReceiver> {
  const received: ReceivedDelivery[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.statusCode = statuses.shift() ?? 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/alerts`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
