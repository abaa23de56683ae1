import type { RequestHandler } from 'express';
import type { AppDeps } from '../../deps';
import type { OpsSessions } from '../../middleware/ops-session';
import { dashboardPage, loginPage, opsNotices, type OpsNotice } from '../../pages/ops-page';
import { readDashboard } from './dashboard-data';
import { setOpsPageHeaders } from './ops-page-headers';

const isNotice = (value: unknown): value is OpsNotice =>
  typeof value === 'string' && Object.hasOwn(opsNotices, value);

/** The dashboard for a signed-in operator; the login page for anyone else. */
export function getDashboard(deps: AppDeps, sessions: OpsSessions): RequestHandler {
  return async (req, res) => {
    setOpsPageHeaders(res);
    const session = sessions.read(req);
    if (!session) {
      res
        .status(200)
        .type('html')
        .send(loginPage({ error: null }));
      return;
    }
    const notice = isNotice(req.query.notice) ? req.query.notice : null;
    const dashboard = await readDashboard(deps);
    res
      .status(200)
      .type('html')
      .send(dashboardPage(dashboard, { csrf: session.csrfToken, notice }));
  };
}
