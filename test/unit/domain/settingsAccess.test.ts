import {
  decideSettingsAccess,
  whoMayManageSettings,
  type PortalUserFacts,
} from '../../../src/domain/settingsAccess';

const superAdmin: PortalUserFacts = { superAdmin: true, roleIds: [] };
const manager: PortalUserFacts = { superAdmin: false, roleIds: ['900', '901'] };
const rep: PortalUserFacts = { superAdmin: false, roleIds: ['902'] };
const noRole: PortalUserFacts = { superAdmin: false, roleIds: [] };

describe('who may change the settings', () => {
  it.each([
    ['a super admin, no roles named', '1', superAdmin, [], true, 'super_admin'],
    ['a super admin, other roles named', '1', superAdmin, ['555'], true, 'super_admin'],
    ['a user holding a named role', '2', manager, ['901'], true, 'role'],
    ['a user holding one of several named roles', '2', manager, ['100', '900'], true, 'role'],
    ['a user whose roles are not named', '3', rep, ['900', '901'], false, 'no_role'],
    ['a user with a role while no role is named', '3', rep, [], false, 'no_role'],
    ['a user with no role at all', '4', noRole, ['900'], false, 'no_role'],
    ['a user HubSpot does not know', '5', null, ['900'], false, 'unknown_user'],
    ['a request signed without a user', null, null, ['900'], false, 'no_signed_user'],
    ['no signed user, even if facts were passed', null, superAdmin, [], false, 'no_signed_user'],
  ] as const)('%s → allowed: %s (%s)', (_case, userId, user, roleIds, allowed, basis) => {
    const decision = decideSettingsAccess(userId, user, roleIds);
    expect(decision).toMatchObject({ allowed, basis });
    if (decision.allowed) expect(decision.reason).toBeNull();
    else expect(decision.reason).toBe(whoMayManageSettings(roleIds));
  });

  it.each([[[]], [['900']]] as const)(
    'tells a refused person, in one sentence, who can and whom to ask (roles named: %j)',
    (roleIds) => {
      const sentence = whoMayManageSettings(roleIds);
      expect(sentence).toMatch(
        /^Only HubSpot super admins.* can change the sync settings; ask a super admin/,
      );
      expect(sentence.match(/\./g)).toHaveLength(1);
      expect(sentence.endsWith('.')).toBe(true);
      if (roleIds.length > 0) expect(sentence).toContain("role chosen in the app's settings");
    },
  );
});
