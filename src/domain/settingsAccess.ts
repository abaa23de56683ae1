/**
 * Who may change how the sync works (save the settings, pause, connect or disconnect Salesforce, retry every
 * failure at once): HubSpot super admins always, and users holding one of the roles the settings name.
 * Everyone in the portal may use the record card. Pure: the caller asks HubSpot who the user is.
 */

/** What HubSpot says about the signed-in user; null when HubSpot does not know them (or no user was signed). */
export interface PortalUserFacts {
  readonly superAdmin: boolean;
  readonly roleIds: readonly string[];
}

export type SettingsAccessDecision =
  | { readonly allowed: true; readonly basis: 'super_admin' | 'role'; readonly reason: null }
  | {
      readonly allowed: false;
      readonly basis: 'no_signed_user' | 'unknown_user' | 'no_role';
      /** One sentence for the person: who can do this, and whom to ask. */
      readonly reason: string;
    };

/** The sentence a refused person reads, whatever the cause: it says who may, and whom to ask. */
export function whoMayManageSettings(settingsRoleIds: readonly string[]): string {
  return settingsRoleIds.length === 0
    ? "Only HubSpot super admins can change the sync settings; ask a super admin in your portal to make this change, or to give your role access in the app's settings."
    : "Only HubSpot super admins and users with a role chosen in the app's settings can change the sync settings; ask a super admin in your portal to make this change, or to give your role access.";
}

export function decideSettingsAccess(
  signedUserId: string | null,
  user: PortalUserFacts | null,
  settingsRoleIds: readonly string[],
): SettingsAccessDecision {
  const refuse = (basis: 'no_signed_user' | 'unknown_user' | 'no_role'): SettingsAccessDecision => ({
    allowed: false,
    basis,
    reason: whoMayManageSettings(settingsRoleIds),
  });
  if (signedUserId === null) return refuse('no_signed_user');
  if (user === null) return refuse('unknown_user');
  if (user.superAdmin) return { allowed: true, basis: 'super_admin', reason: null };
  const allowedRoles = new Set(settingsRoleIds);
  if (user.roleIds.some((roleId) => allowedRoles.has(roleId))) {
    return { allowed: true, basis: 'role', reason: null };
  }
  return refuse('no_role');
}
