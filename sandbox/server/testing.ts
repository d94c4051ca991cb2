import fs from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { StoredDataSource } from './provisioning';

/** A plugin "dist" holding one plugin.json and an empty module, so that server tests need no build. */
export function fixtureDist(prefix: string, pluginJson: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'module.js'), 'define([], function () { return {}; });');
  fs.writeFileSync(path.join(dir, 'plugin.json'), JSON.stringify({ info: { version: '1.0.0' }, ...pluginJson }));
  return dir;
}

/** A datasource as provisioning stores it: proxy access, no credentials but the given ones. */
export function storedDatasource(
  fields: Pick<StoredDataSource, 'uid' | 'type'> & Partial<StoredDataSource>
): StoredDataSource {
  return {
    id: 0,
    orgId: 1,
    name: fields.uid,
    access: 'proxy',
    url: '',
    user: '',
    database: '',
    basicAuth: false,
    basicAuthUser: '',
    withCredentials: false,
    isDefault: false,
    jsonData: {},
    secureJsonData: {},
    version: 1,
    readOnly: false,
    ...fields,
  };
}

/** Listens on a free loopback port and gives it. */
export function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}
