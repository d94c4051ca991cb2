import { readFileSync } from 'fs';
import path from 'path';
import { OrgRole } from '@grafana/data';
import { config } from '@grafana/runtime';
import { WRITE_ACTION, writeAccess } from './permissions';

const user = (orgRole: OrgRole, permissions?: Record<string, boolean>, isGrafanaAdmin = false) => {
  config.bootData = { ...config.bootData, user: { ...config.bootData?.user, orgRole, permissions, isGrafanaAdmin } };
};

describe('writeAccess', () => {
  it('is the action every write route of the datasource requires', () => {
    const pluginJson = JSON.parse(readFileSync(path.join(__dirname, '../../datasource/plugin.json'), 'utf8')) as {
      routes: Array<{ method: string; reqAction?: string }>;
    };
    const writes = pluginJson.routes.filter((route) => route.method !== 'GET' && !route.reqAction);
    expect(writes.map((route) => route.method)).toEqual(['POST', 'POST']); // the two SelfSubject*Reviews
    expect(new Set(pluginJson.routes.flatMap((route) => route.reqAction ?? []))).toEqual(new Set([WRITE_ACTION]));
  });

  it('hides the actions from a Viewer, even one holding the permission or a Grafana server admin', () => {
    user(OrgRole.Viewer, { [WRITE_ACTION]: true });
    expect(writeAccess()).toEqual({ visible: false });
    user(OrgRole.Viewer, {}, true);
    expect(writeAccess()).toEqual({ visible: false });
  });

  it('enables them for an Editor or Admin whose permissions hold the action (every one on OSS)', () => {
    user(OrgRole.Editor, { [WRITE_ACTION]: true, 'datasources:query': true });
    expect(writeAccess()).toEqual({ visible: true, allowed: true });
    user(OrgRole.Admin, { [WRITE_ACTION]: true });
    expect(writeAccess()).toEqual({ visible: true, allowed: true });
  });

  it('disables them, saying who can grant what, for an Editor the action was taken from', () => {
    user(OrgRole.Editor, { 'datasources:query': true });
    const access = writeAccess();
    expect(access).toMatchObject({ visible: true, allowed: false });
    expect(access.visible && !access.allowed && access.reason).toContain(WRITE_ACTION);
    expect(access.visible && !access.allowed && access.reason).toContain('"Cluster operator"');
  });
});
