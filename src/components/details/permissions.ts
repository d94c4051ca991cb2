import { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';

/**
 * Write actions (src/components/actions/) are offered to Editors and Admins only, matching the datasource's write routes
 * (reqRole Editor); a Viewer sees no write control at all. Grafana enforces the same rule on the proxy route.
 */
export function canWrite(): boolean {
  const user = config.bootData?.user;
  return user?.isGrafanaAdmin === true || user?.orgRole === OrgRole.Editor || user?.orgRole === OrgRole.Admin;
}
