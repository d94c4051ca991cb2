import { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';

/**
 * The Grafana permission every write route of the datasource requires (src/datasource/plugin.json `reqAction`),
 * held through the plugin role "Cluster operator" that plugin.json grants to Editor (and so to Admin).
 */
export const WRITE_ACTION = 'kubeatlas-kubernetes-datasource.resources:write';

export type WriteAccess =
  { visible: false } | { visible: true; allowed: true } | { visible: true; allowed: false; reason: string };

/**
 * Who sees the write actions (src/components/actions/) and may use them, as Grafana's datasource proxy decides it
 * (docs/editions.md):
 * - Viewers see none (the routes also carry reqRole Editor).
 * - Editors and Admins see them. Since Grafana 11.6 the proxy checks only the route's reqAction, against the
 *   permissions Grafana also puts in bootData.user.permissions (pkg/api/index.go, ac.BuildPermissionsMap), so the
 *   buttons are enabled exactly when that map holds WRITE_ACTION: on OSS every Editor and Admin holds it; on
 *   Enterprise and Cloud an admin may have taken the role from this user, and then the reason says how to get it back.
 */
export function writeAccess(): WriteAccess {
  const user = config.bootData?.user;
  if (user?.orgRole !== OrgRole.Editor && user?.orgRole !== OrgRole.Admin) {
    return { visible: false };
  }
  if (user.permissions?.[WRITE_ACTION] === true) {
    return { visible: true, allowed: true };
  }
  return {
    visible: true,
    allowed: false,
    reason:
      `Your Grafana user lacks the permission ${WRITE_ACTION}, so Grafana refuses changes through this datasource. ` +
      'An organization admin can give it back (Grafana Enterprise or Cloud): the role "Cluster operator" of ' +
      'KubeAtlas Kubernetes, in the role picker of your user or one of your teams (Administration → Users and ' +
      'access), or on the Editor basic role.',
  };
}
