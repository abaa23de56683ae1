/**
 * Alerts end to end: an installation made through the real install flow, its refresh token revoked in the
 * Salesforce emulator, the worker's alert cycle, and an operator's webhook on a real HTTP server. The alert
 * opens, its delivery is signed and retried after the receiver fails, the settings page's health endpoint
 * lists it, and reconnecting Salesforce resolves it and delivers the resolution. The Salesforce org's usage,
 * set through the emulator's control API, opens the budget alert above 60 %.
 */
import { runAlertCycle, type AlertsJobDeps } from '../../../src/app/alertsJob';
import { pollSalesforce } from '../../../src/changes/salesforcePoll';
import { verifySignature } from '../../../src/ops/alertDelivery';
import type { AlertWebhookBody } from '../../../src/ops/alerts';
import { startAlertReceiver, type AlertReceiver } from '../../support/alertReceiver';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from '../changes/harness';

const SECRET = 'operator-alert-secret-0123';

type Json = Record<string, unknown>;

describe.each(testDialects)('alerts on %s', (dialect) => {
  let harness: ChangeHarness;
  let receiver: AlertReceiver;
  let installationId: string;
  const portalId = 5101;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(portalId)).id;
  });
  afterAll(async () => {
    await receiver?.close();
    await harness.close();
  });

  const deps = (): AlertsJobDeps => ({
    ...harness.bridge.context.alerts,
    webhook: { url: receiver.url, secret: SECRET },
  });
  const cycle = () => runAlertCycle(deps(), { random: () => 0.5 });

  async function health(): Promise<Json> {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}/api/sync/health`,
      method: 'GET',
      portalId,
    });
    expect(response.status).toBe(200);
    return (await response.json()) as Json;
  }

  const bodies = () => receiver.received.map((delivery) => JSON.parse(delivery.body) as AlertWebhookBody);

  it('opens an alert when Salesforce revokes the refresh token, delivers it signed (retrying a failing receiver), lists it on the health tab, and resolves it on reconnect', async () => {
    receiver = await startAlertReceiver([502]);
    expect((await cycle()).evaluation.opened).toEqual([]);
    expect((await health()).alerts).toEqual([]);

    const connection = await harness.salesforceOf(installationId);
    await harness.salesforce.control.revokeRefreshTokens();
    await harness.salesforce.control.expireAccessTokens();
    await expect(connection.query('SELECT Id FROM User')).rejects.toThrow();

    const opened = await cycle();
    expect(opened.evaluation.opened.map((alert) => alert.kind)).toEqual(['salesforce_needs_reauth']);
    expect(opened.deliveries).toEqual({ delivered: 0, retrying: 1, failed: 0 });
    const [alert] = opened.evaluation.opened;
    expect((await health()).alerts).toEqual([
      {
        id: alert!.id,
        kind: 'salesforce_needs_reauth',
        severity: 'critical',
        message: expect.stringContaining('reconnects Salesforce') as unknown,
        openedAt: alert!.openedAt,
      },
    ]);

    // The receiver failed; the retry goes 30 s later (with this jitter) and is accepted.
    await harness.advanceTime(31_000);
    expect((await cycle()).deliveries).toMatchObject({ delivered: 1 });
    expect(receiver.received).toHaveLength(2);
    for (const delivery of receiver.received) {
      expect(verifySignature(delivery.body, SECRET, delivery.headers['x-bridge-signature'] as string)).toBe(
        true,
      );
    }
    expect(bodies()[1]).toMatchObject({
      event: 'alert.opened',
      deliveryId: `${alert!.id}:opened`,
      alert: {
        id: alert!.id,
        kind: 'salesforce_needs_reauth',
        severity: 'critical',
        installationId,
        portalId: String(portalId),
        resolvedAt: null,
      },
    });

    await harness.install(portalId);
    const resolved = await cycle();
    expect(resolved.evaluation.resolved.map((ended) => ended.id)).toEqual([alert!.id]);
    expect(resolved.deliveries).toMatchObject({ delivered: 1 });
    expect((await health()).alerts).toEqual([]);
    const resolution = receiver.received[2]!;
    expect(verifySignature(resolution.body, SECRET, resolution.headers['x-bridge-signature'] as string)).toBe(
      true,
    );
    expect(bodies()[2]).toMatchObject({
      event: 'alert.resolved',
      alert: { id: alert!.id, resolvedAt: expect.any(Number) as unknown },
    });
  });

  it("opens the budget alert when the Salesforce org's usage passes 60 %, and resolves it when usage falls", async () => {
    await harness.salesforce.control.setDailyApiLimit(1_000);
    await harness.salesforce.control.setApiUsage(640);
    // The next call learns the org's usage from Salesforce's answer.
    await pollSalesforce(harness.deps, installationId);

    const opened = await cycle();
    expect(opened.evaluation.opened.map((alert) => alert.kind)).toEqual(['salesforce_api_budget']);
    expect(opened.evaluation.opened[0]).toMatchObject({
      severity: 'warning',
      details: { orgLimit: 1_000 },
    });
    expect(opened.evaluation.opened[0]?.message).toContain('of its 1000 daily API calls');
    expect((await health()).alerts).toMatchObject([{ kind: 'salesforce_api_budget', severity: 'warning' }]);
    expect(bodies().at(-1)).toMatchObject({
      event: 'alert.opened',
      alert: { kind: 'salesforce_api_budget' },
    });

    await harness.salesforce.control.setApiUsage(100);
    await pollSalesforce(harness.deps, installationId);
    const resolved = await cycle();
    expect(resolved.evaluation.resolved.map((alert) => alert.kind)).toEqual(['salesforce_api_budget']);
    expect((await health()).alerts).toEqual([]);
    expect(bodies().at(-1)).toMatchObject({
      event: 'alert.resolved',
      alert: { kind: 'salesforce_api_budget' },
    });
  });
});
