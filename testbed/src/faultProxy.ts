/** The fault proxy (testbed/fault-proxy/) in front of a testbed's kube-apiserver, trusted with the testbed's own CA. */
import fs from 'node:fs';
import { startFaultProxy, type RunningFaultProxy } from '../fault-proxy/src/proxy';
import type { Testbed } from './launcher';

export function startFaultProxyFor(testbed: Testbed): Promise<RunningFaultProxy> {
  return startFaultProxy({
    upstream: testbed.url,
    upstreamCa: testbed.caCert,
    ca: { cert: testbed.caCert, key: fs.readFileSync(testbed.caKeyPath, 'utf8') },
    adminToken: testbed.adminToken,
  });
}
