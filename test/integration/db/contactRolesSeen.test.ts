import * as contactRolesSeen from '../../../src/db/contactRolesSeen';
import { createTestDb, testDialects, type TestDb } from '../../support/db';
import { insertInstallation } from '../../factories/storage';

describe.each(testDialects)('contact_roles_seen on %s', (dialect) => {
  let testDb: TestDb;
  let installationId: string;
  let otherInstallationId: string;
  beforeEach(async () => {
    testDb = await createTestDb(dialect);
    installationId = await insertInstallation(testDb.db);
    otherInstallationId = await insertInstallation(testDb.db);
  });
  afterEach(async () => testDb.destroy());

  it("remembers each role's Opportunity by its 15-character id, refreshes it, and forgets it", async () => {
    await contactRolesSeen.remember(
      testDb.db,
      installationId,
      [
        { roleId: '00K000000000001AAA', opportunityId: '006000000000001AAA' },
        { roleId: '00K000000000002AAA', opportunityId: '006000000000001AAA' },
      ],
      1_000,
    );
    await contactRolesSeen.remember(
      testDb.db,
      otherInstallationId,
      [{ roleId: '00K000000000002AAA', opportunityId: '006000000000009AAA' }],
      1_000,
    );
    // Read again later: the role moved to another Opportunity cannot happen in Salesforce, but a newer read wins.
    await contactRolesSeen.remember(
      testDb.db,
      installationId,
      [{ roleId: '00K000000000002AAA', opportunityId: '006000000000002AAA' }],
      2_000,
    );
    const found = await contactRolesSeen.opportunitiesOf(testDb.db, installationId, [
      '00K000000000001AAA',
      '00K000000000002',
      '00K000000000003AAA',
    ]);
    expect(Object.fromEntries(found)).toEqual({
      '00K000000000001': '006000000000001AAA',
      '00K000000000002': '006000000000002AAA',
    });

    await contactRolesSeen.forget(testDb.db, installationId, ['00K000000000001AAA']);
    expect([
      ...(await contactRolesSeen.opportunitiesOf(testDb.db, installationId, ['00K000000000001'])).keys(),
    ]).toEqual([]);
    // Another installation's rows are its own.
    expect(
      Object.fromEntries(
        await contactRolesSeen.opportunitiesOf(testDb.db, otherInstallationId, ['00K000000000002']),
      ),
    ).toEqual({ '00K000000000002': '006000000000009AAA' });
  });

  it('writes and reads more roles than one statement holds', async () => {
    const roles = Array.from({ length: 1_203 }, (_, n) => ({
      roleId: `00K${String(n).padStart(12, '0')}AAA`,
      opportunityId: `006${String(n % 7).padStart(12, '0')}AAA`,
    }));
    await contactRolesSeen.remember(testDb.db, installationId, roles, 1_000);
    const found = await contactRolesSeen.opportunitiesOf(
      testDb.db,
      installationId,
      roles.map((role) => role.roleId),
    );
    expect(found.size).toBe(1_203);
  });
});
