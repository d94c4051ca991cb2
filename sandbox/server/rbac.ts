/**
 * Grafana's access control as the datasource proxy and the boot data see it, per edition and version. Each rule names
 * the grafana/grafana file it mirrors; docs/editions.md has the resulting matrix.
 *
 * - The proxy code is the same in OSS and Enterprise (pkg/api/pluginproxy/ds_proxy.go): the editions differ only in the
 *   permissions a user holds.
 * - Plugin roles (plugin.json `roles`) are validated and registered for every plugin, datasources included
 *   (pkg/services/pluginsintegration/pipeline/steps.go RegisterPluginRoles → acimpl/service.go DeclarePluginRoles), and
 *   their permissions are added in memory to the basic roles their `grants` name and to those roles' parents
 *   (acimpl/service.go RegisterFixedRoles, accesscontrol BuiltInRolesWithParents). Before 11.6 that happened only
 *   with the `accessControlOnCall` toggle; 11.6.0 removed the toggle (grafana#101222, OSS and Enterprise).
 * - OSS reads no role assignment from its database but `managed:` and `extsvc:` roles (acimpl/service.go
 *   OSSRolesPrefixes) and has no API to assign roles (accesscontrol/api/api.go), so a plugin role cannot be given to or
 *   taken from one user or team there. Enterprise and Cloud can (docs: "RBAC for app plugins", "Update basic role
 *   permissions"): the sandbox models that as per-user `grant` / `revoke` lists.
 */

export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';
export type Edition = 'oss' | 'enterprise';
/** pkg/services/accesscontrol/models.go BuildPermissionsMap: action → true, as in bootData.user.permissions. */
export type PermissionsMap = Record<string, boolean>;

export interface AccessControlSettings {
  edition: Edition;
  /** The Grafana version emulated: before 11.6.0 plugin RBAC depends on `accessControlOnCall`. */
  grafanaVersion: string;
  /** The feature toggle; Grafana 11.6 and later no longer read it. */
  accessControlOnCall: boolean;
}

/** plugin.json `roles` entry (pkg/plugins/plugins.go RoleRegistration). */
export interface PluginRoleRegistration {
  role: { name?: string; description?: string; permissions?: Array<{ action: string; scope?: string }> };
  grants?: string[];
}

/** A route's access fields (pkg/plugins/plugins.go Route). */
export interface RouteAccess {
  reqRole?: string;
  reqAction?: string;
}

export interface PermissionOverrides {
  /** Actions an admin assigned to this user or a team of theirs (Enterprise/Cloud). */
  grant?: string[];
  /** Actions an admin took away: the role removed from the user's basic role and not given back to them. */
  revoke?: string[];
}

const ROLE_RANK: Record<OrgRole, number> = { None: 0, Viewer: 1, Editor: 2, Admin: 3 };
const GRAFANA_ADMIN = 'Grafana Admin';

/** pkg/services/org/model.go RoleType.Includes. */
export function roleIncludes(have: OrgRole, need: OrgRole): boolean {
  return ROLE_RANK[have] >= ROLE_RANK[need];
}

export const isOrgRole = (role: string | undefined): role is OrgRole => role !== undefined && role in ROLE_RANK;

function atLeast(version: string, minimum: string): boolean {
  const parts = (text: string) => text.split(/[.-]/).slice(0, 3).map(Number);
  const [have, need] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) {
    if ((have[i] || 0) !== need[i]) {
      return (have[i] || 0) > need[i];
    }
  }
  return true;
}

/**
 * Plugin roles are declared and reqAction is evaluated from 11.6 on, or before it with `accessControlOnCall`
 * (≤11.5 acimpl/service.go DeclarePluginRoles and ds_proxy.go hasAccessToRoute both read FlagAccessControlOnCall).
 */
export function pluginRbacActive(settings: AccessControlSettings): boolean {
  return atLeast(settings.grafanaVersion, '11.6.0') || settings.accessControlOnCall;
}

export interface DeclaredRole {
  pluginId: string;
  registration: PluginRoleRegistration;
}

/**
 * acimpl/service.go DeclarePluginRoles + accesscontrol/pluginutils/utils.go ValidatePluginRole: a role needs a name,
 * every action must start with `<pluginId>:` or `<pluginId>.` and every grant must be a basic role. Grafana 12 fails
 * the plugin's load on a bad role (steps.go returns the error), so the sandbox refuses to start on one.
 */
export function declarePluginRoles(plugins: Array<{ id: string; roles?: PluginRoleRegistration[] }>): DeclaredRole[] {
  const declared: DeclaredRole[] = [];
  for (const { id, roles } of plugins) {
    for (const registration of roles ?? []) {
      const { name, permissions = [] } = registration.role;
      const problem = [
        ...(name ? [] : ['has no name']),
        ...permissions
          .filter(({ action }) => !action.startsWith(`${id}:`) && !action.startsWith(`${id}.`))
          .map(({ action }) => `grants "${action}", which does not start with "${id}." or "${id}:"`),
        ...(registration.grants ?? [])
          .filter((grant) => !isOrgRole(grant) && grant !== GRAFANA_ADMIN)
          .map((grant) => `is granted to "${grant}", which is no basic role`),
      ][0];
      if (problem) {
        throw new Error(
          `Plugin ${id}: role "${name ?? ''}" ${problem}. Grafana refuses such a role and fails ` +
            `the plugin's load: declare each action in the plugin.json of the plugin whose id prefixes it.`
        );
      }
      declared.push({ pluginId: id, registration });
    }
  }
  return declared;
}

/** accesscontrol BuiltInRolesWithParents: a grant to Viewer also reaches Editor and Admin, one to Editor reaches Admin. */
function grantReaches(grants: string[], basicRoles: string[]): boolean {
  return grants.some((grant) =>
    isOrgRole(grant)
      ? basicRoles.some((role) => isOrgRole(role) && roleIncludes(role, grant))
      : basicRoles.includes(grant)
  );
}

/**
 * Core datasource actions by the lowest basic role Grafana's fixed roles grant them to
 * (pkg/services/accesscontrol/ossaccesscontrol, datasources fixed roles), on every datasource.
 */
const CORE_DATASOURCE_ACTIONS: Record<string, OrgRole> = {
  'datasources:query': 'Viewer',
  'datasources:explore': 'Editor',
  'datasources:read': 'Admin',
  'datasources:write': 'Admin',
  'datasources:create': 'Admin',
  'datasources:delete': 'Admin',
};

/**
 * The user's permissions as acimpl/service.go getUserPermissions builds them: the basic roles' (accesscontrol
 * GetOrgRoles: the org role, plus "Grafana Admin" for server admins), with the plugin roles' permissions added while
 * plugin RBAC is active, then, on Enterprise only, what an admin assigned or took away.
 */
export function userPermissions(
  user: { orgRole: OrgRole; isGrafanaAdmin?: boolean },
  roles: DeclaredRole[],
  settings: AccessControlSettings,
  overrides: PermissionOverrides = {}
): PermissionsMap {
  const basicRoles: string[] = [user.orgRole, ...(user.isGrafanaAdmin ? [GRAFANA_ADMIN] : [])];
  const permissions: PermissionsMap = {};
  for (const [action, role] of Object.entries(CORE_DATASOURCE_ACTIONS)) {
    if (roleIncludes(user.orgRole, role)) {
      permissions[action] = true;
    }
  }
  if (pluginRbacActive(settings)) {
    for (const { registration } of roles) {
      if (grantReaches(registration.grants ?? [], basicRoles)) {
        for (const { action } of registration.role.permissions ?? []) {
          permissions[action] = true;
        }
      }
    }
  }
  if (settings.edition === 'enterprise') {
    for (const action of overrides.grant ?? []) {
      permissions[action] = true;
    }
    for (const action of overrides.revoke ?? []) {
      delete permissions[action];
    }
  }
  return permissions;
}

/**
 * pkg/api/pluginproxy/ds_proxy.go hasAccessToRoute: a route with reqAction is decided by that action alone (reqRole is
 * then not read); pluginaccesscontrol GetDataSourceRouteEvaluator checks a plugin's own action without scope and core
 * datasource actions on the datasource's uid, which the sandbox grants on every datasource. Before 11.6 without
 * `accessControlOnCall`, reqAction was ignored and a route without reqRole was open to every role.
 */
export function hasAccessToRoute(
  route: RouteAccess,
  user: { orgRole: OrgRole; permissions: PermissionsMap },
  settings: AccessControlSettings
): boolean {
  if (route.reqAction && pluginRbacActive(settings)) {
    return user.permissions[route.reqAction] === true;
  }
  if (isOrgRole(route.reqRole)) {
    return roleIncludes(user.orgRole, route.reqRole);
  }
  return true;
}
