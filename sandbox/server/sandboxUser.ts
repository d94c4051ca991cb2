import {
  userPermissions,
  type AccessControlSettings,
  type DeclaredRole,
  type Edition,
  type OrgRole,
  type PermissionsMap,
} from './rbac';

/**
 * Who a sandbox request comes from. Grafana knows it from the session; the sandbox takes it from the page's query
 * (`?role=Viewer|Editor|Admin`, `?edition=oss|enterprise`, `?grant=<action>,…`, `?revoke=<action>,…`), keeps it in
 * cookies for the API and proxy requests that follow, and falls back to the server's defaults. The edition is
 * Grafana's server-wide; per browser here so that one sandbox serves every case of docs/editions.md.
 */

export const ROLES: OrgRole[] = ['Viewer', 'Editor', 'Admin'];
const EDITIONS: Edition[] = ['oss', 'enterprise'];
const COOKIE = {
  role: 'grafana_sandbox_role',
  edition: 'grafana_sandbox_edition',
  grant: 'grafana_sandbox_grant',
  revoke: 'grafana_sandbox_revoke',
} as const;

export interface SandboxUser {
  login: string;
  orgRole: OrgRole;
  isGrafanaAdmin: boolean;
  permissions: PermissionsMap;
  accessControl: AccessControlSettings;
}

export interface UserDefaults {
  role: OrgRole;
  accessControl: AccessControlSettings;
  roles: DeclaredRole[];
}

export function parseCookies(header: string | undefined): Record<string, string> {
  return Object.fromEntries(
    (header ?? '')
      .split(';')
      .map((part) => part.trim().split('='))
      .filter((pair) => pair.length === 2)
      .map(([name, value]) => [name, decodeURIComponent(value)])
  );
}

const list = (value: string | undefined) => (value ?? '').split(',').filter(Boolean);

/**
 * The server's defaults: KUBEATLAS_GRAFANA_EDITION=oss|enterprise (default oss) and, as Grafana reads it,
 * GF_FEATURE_TOGGLES_ENABLE (names split on commas and spaces, pkg/services/featuremgmt/settings.go).
 */
export function accessControlFromEnv(env: Record<string, string | undefined>): {
  edition: Edition;
  accessControlOnCall: boolean;
} {
  const edition = env.KUBEATLAS_GRAFANA_EDITION ?? 'oss';
  if (!EDITIONS.includes(edition as Edition)) {
    throw new Error(`KUBEATLAS_GRAFANA_EDITION=${edition}: the sandbox emulates ${EDITIONS.join(' or ')}`);
  }
  const toggles = (env.GF_FEATURE_TOGGLES_ENABLE ?? '').split(/[\s,]+/);
  return { edition: edition as Edition, accessControlOnCall: toggles.includes('accessControlOnCall') };
}

export function resolveUser(
  cookieHeader: string | undefined,
  query: URLSearchParams | undefined,
  defaults: UserDefaults
): { user: SandboxUser; setCookies: string[] } {
  const cookies = parseCookies(cookieHeader);
  const setCookies: string[] = [];
  const pick = (name: keyof typeof COOKIE, valid: (value: string) => boolean): string | undefined => {
    const requested = query?.get(name);
    if (requested !== null && requested !== undefined && valid(requested)) {
      setCookies.push(`${COOKIE[name]}=${encodeURIComponent(requested)}; Path=/; SameSite=Strict`);
      return requested;
    }
    const stored = cookies[COOKIE[name]];
    return stored !== undefined && valid(stored) ? stored : undefined;
  };
  const orgRole = (pick('role', (v) => ROLES.includes(v as OrgRole)) ?? defaults.role) as OrgRole;
  const edition = (pick('edition', (v) => EDITIONS.includes(v as Edition)) ??
    defaults.accessControl.edition) as Edition;
  const accessControl = { ...defaults.accessControl, edition };
  const overrides = { grant: list(pick('grant', () => true)), revoke: list(pick('revoke', () => true)) };
  const isGrafanaAdmin = orgRole === 'Admin';
  return {
    user: {
      login: orgRole.toLowerCase(),
      orgRole,
      isGrafanaAdmin,
      permissions: userPermissions({ orgRole, isGrafanaAdmin }, defaults.roles, accessControl, overrides),
      accessControl,
    },
    setCookies,
  };
}
