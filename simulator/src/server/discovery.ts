/** Discovery documents (/version, /api, /apis, APIResourceList per group version) generated from the kinds table. */
import { KINDS, KindInfo, apiVersionOf } from '../cluster/kinds';
import { KUBE_VERSION } from '../cluster/objects';

/** The group order of a real apiserver's /apis (kubectl resolves ambiguous names in this order). */
const GROUP_ORDER = [
  'apps',
  'events.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'networking.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'monitoring.coreos.com',
];

export class Discovery {
  readonly kinds: KindInfo[];

  constructor(monitoringCrds: boolean) {
    this.kinds = KINDS.filter((k) => monitoringCrds || !k.monitoringCrd);
  }

  version(): object {
    const [major, minor] = KUBE_VERSION.slice(1).split('.');
    return {
      major,
      minor,
      emulationMajor: major,
      emulationMinor: minor,
      minCompatibilityMajor: major,
      minCompatibilityMinor: String(Number(minor) - 1),
      gitVersion: KUBE_VERSION,
      gitCommit: '0000000000000000000000000000000000000000',
      gitTreeState: 'clean',
      buildDate: '2025-04-22T16:00:00Z',
      goVersion: 'go1.23.8',
      compiler: 'gc',
      platform: 'linux/amd64',
    };
  }

  coreVersions(serverAddress: string): object {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  groups(): string[] {
    const present = new Set(this.kinds.filter((k) => k.group).map((k) => k.group));
    return GROUP_ORDER.filter((g) => present.has(g));
  }

  private group(name: string): object {
    const versions = [...new Set(this.kinds.filter((k) => k.group === name).map((k) => k.version))].map((version) => ({
      groupVersion: `${name}/${version}`,
      version,
    }));
    return { name, versions, preferredVersion: versions[0] };
  }

  groupList(): object {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups().map((g) => this.group(g)) };
  }

  apiGroup(name: string): object | undefined {
    return this.groups().includes(name) ? { kind: 'APIGroup', apiVersion: 'v1', ...this.group(name) } : undefined;
  }

  resourceList(group: string, version: string): object | undefined {
    const kinds = this.kinds.filter((k) => k.group === group && k.version === version);
    if (!kinds.length) {
      return undefined;
    }
    const resources = kinds.flatMap((k) => [
      {
        name: k.resource,
        singularName: k.singular,
        namespaced: k.namespaced,
        kind: k.kind,
        verbs: k.verbs,
        ...(k.shortNames ? { shortNames: k.shortNames } : {}),
        ...(k.categories ? { categories: k.categories } : {}),
      },
      ...(k.subresources ?? []).map((s) => ({
        name: `${k.resource}/${s.name}`,
        singularName: '',
        namespaced: k.namespaced,
        ...(apiVersionOf(s) !== apiVersionOf(k) ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      })),
    ]);
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
  }

  find(group: string, version: string, resource: string): KindInfo | undefined {
    return this.kinds.find((k) => k.group === group && k.version === version && k.resource === resource);
  }
}
