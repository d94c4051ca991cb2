import { ForbiddenError } from '../k8s/errors';
import { normalize } from '../model/normalize';
import { ClusterSnapshot, EventModel, Health, KindName, ModelByKind } from '../model/types';
import { NOW, staleEventsSnapshot } from './__fixtures__/staleEvents';
import { involvedObject, isSuperseded, lastSeenAt } from './warningEvents';

const snapshot = staleEventsSnapshot();
const model = <K extends KindName>(kind: K, name: string): ModelByKind[K] => {
  const found = (snapshot.byKind[kind] as Array<ModelByKind[K]>).find((m) => m.name === name);
  if (!found) {
    throw new Error(`the fixture has no ${kind} ${name}`);
  }
  return found;
};
const eventsAbout = (s: ClusterSnapshot, name: string, reason: string) =>
  s.byKind.Event.filter((e) => e.involvedObject.name === name && e.reason === reason);
const only = (name: string, reason: string) => {
  const [event, ...more] = eventsAbout(snapshot, name, reason);
  expect(more).toEqual([]);
  return event;
};

describe('lastSeenAt', () => {
  it('reads series.lastObservedTime of events.k8s.io writers and lastTimestamp of core/v1 writers', () => {
    const repeated = eventsAbout(snapshot, 'fraud-detector-745cbbf7b8-f1', 'FailedScheduling').find(
      (e) => e.count > 1
    )!;
    expect(repeated.count).toBe(14);
    expect(lastSeenAt(repeated)).toBe(NOW - 60_000);
    expect(lastSeenAt(only('frontend-745cbbf7b8-r1', 'Unhealthy'))).toBe(NOW - 10_000);
  });

  it('falls back to eventTime, then to the Event object creation when no time field is filled', () => {
    const single = eventsAbout(snapshot, 'catalog-745cbbf7b8-p2', 'FailedScheduling')[0];
    expect(lastSeenAt(single)).toBe(Date.parse('2026-12-02T13:18:01.150Z'));
    const bare = normalize('Event', {
      metadata: { name: 'x.1', namespace: 'shop', creationTimestamp: '2026-12-02T13:29:00Z' },
      involvedObject: { kind: 'Pod', name: 'x', namespace: 'shop' },
      type: 'Warning',
      firstTimestamp: null,
      lastTimestamp: null,
    })!;
    expect(lastSeenAt(bare)).toBe(Date.parse('2026-12-02T13:29:00Z'));
  });
});

describe('involvedObject', () => {
  it('finds the object by uid, and a Node a kubelet named by its name in the uid field', () => {
    const catalogPod = model('Pod', 'catalog-745cbbf7b8-p1');
    expect(involvedObject(snapshot, eventsAbout(snapshot, catalogPod.name, 'FailedScheduling')[0])).toBe(catalogPod);
    const kubeletEvent = only('kwok-worker-3', 'FreeDiskSpaceFailed');
    expect(kubeletEvent.involvedObject.uid).toBe('kwok-worker-3');
    expect(involvedObject(snapshot, kubeletEvent)).toBe(model('Node', 'kwok-worker-3'));
  });

  it('says gone for an object no longer there, and for an earlier object of the same name', () => {
    expect(involvedObject(snapshot, only('catalog-745cbbf7b8-gone1', 'FailedScheduling'))).toBe('gone');
    const earlierRedis = only('redis-0', 'BackOff');
    expect(earlierRedis.involvedObject.uid).not.toBe(model('Pod', 'redis-0').uid);
    expect(involvedObject(snapshot, earlierRedis)).toBe('gone');
  });

  it('cannot tell for kinds the app does not list or could not list', () => {
    const endpointsEvent: EventModel = {
      ...only('frontend-745cbbf7b8-r1', 'Unhealthy'),
      involvedObject: { kind: 'Endpoints', namespace: 'shop', name: 'frontend', uid: 'no-such-uid' },
    };
    expect(involvedObject(snapshot, endpointsEvent)).toBeUndefined();
    const withoutPods = staleEventsSnapshot({
      Pod: { ok: false, error: new ForbiddenError('pods', 'list', undefined, '{apiGroups: [""], resources: [pods]}') },
    });
    expect(
      involvedObject(withoutPods, eventsAbout(withoutPods, 'catalog-745cbbf7b8-gone1', 'FailedScheduling')[0])
    ).toBe(undefined);
  });
});

describe('isSuperseded', () => {
  const catalogPod = model('Pod', 'catalog-745cbbf7b8-p1');
  const stale = eventsAbout(snapshot, catalogPod.name, 'FailedScheduling')[0];

  it('FailedScheduling is over once the pod is bound to a node, and current while it is not', () => {
    expect(isSuperseded(stale, catalogPod)).toBe(true);
    expect(isSuperseded(stale, { ...catalogPod, nodeName: undefined, phase: 'Pending', ready: false })).toBe(false);
    const fraud = model('Pod', 'fraud-detector-745cbbf7b8-f1');
    for (const event of eventsAbout(snapshot, fraud.name, 'FailedScheduling')) {
      expect(isSuperseded(event, fraud)).toBe(false);
    }
  });

  it('other pod warnings are over when the pod became Ready after them or succeeded, not on the same second', () => {
    const backOff = only('ledger-745cbbf7b8-l1', 'BackOff');
    const ledger = model('Pod', 'ledger-745cbbf7b8-l1');
    expect(isSuperseded(backOff, ledger)).toBe(true);
    expect(isSuperseded(backOff, { ...ledger, readySince: backOff.lastAt })).toBe(false);
    expect(isSuperseded(backOff, { ...ledger, ready: false, readySince: undefined })).toBe(false);
    expect(isSuperseded(backOff, { ...ledger, ready: false, readySince: undefined, phase: 'Succeeded' })).toBe(true);
    expect(isSuperseded(only('cart-745cbbf7b8-c1', 'Unhealthy'), model('Pod', 'cart-745cbbf7b8-c1'))).toBe(false);
    expect(isSuperseded(only('frontend-745cbbf7b8-r1', 'Unhealthy'), model('Pod', 'frontend-745cbbf7b8-r1'))).toBe(
      false
    );
  });

  it('node warnings are over when the node became Ready after them', () => {
    const worker = model('Node', 'kwok-worker-3');
    expect(isSuperseded(only('kwok-worker-3', 'InvalidDiskCapacity'), worker)).toBe(true);
    expect(isSuperseded(only('kwok-worker-3', 'FreeDiskSpaceFailed'), worker)).toBe(false);
  });

  it('workload warnings are over when every replica is ready and up to date, Job warnings when it completed', () => {
    const failedCreate: EventModel = {
      ...stale,
      reason: 'FailedCreate',
      involvedObject: { kind: 'ReplicaSet', name: 'x' },
    };
    const healthy = model('Deployment', 'catalog');
    expect(isSuperseded(failedCreate, healthy)).toBe(true);
    const rollingOut = { ...healthy, status: { health: Health.Progressing, reason: 'RollingOut' } };
    expect(isSuperseded(failedCreate, rollingOut)).toBe(false);
    expect(isSuperseded(failedCreate, model('Deployment', 'checkout'))).toBe(false);
    const job = (condition: string) =>
      normalize('Job', { metadata: { name: 'j' }, status: { conditions: [{ type: condition, status: 'True' }] } })!;
    expect(isSuperseded(failedCreate, job('Complete'))).toBe(true);
    expect(isSuperseded(failedCreate, job('Failed'))).toBe(false);
  });

  it('a Bound claim ends its provisioning warnings only', () => {
    const claim = model('PersistentVolumeClaim', 'data-redis-0');
    const provisioning = only('data-redis-0', 'ProvisioningFailed');
    expect(isSuperseded(provisioning, claim)).toBe(true);
    expect(isSuperseded({ ...provisioning, reason: 'VolumeResizeFailed' }, claim)).toBe(false);
    expect(isSuperseded(provisioning, { ...claim, phase: 'Pending' })).toBe(false);
  });

  it('gone objects end their events; objects without a rule, or unknown, keep them', () => {
    expect(isSuperseded(stale, 'gone')).toBe(true);
    expect(isSuperseded(stale, undefined)).toBe(false);
    expect(isSuperseded(only('catalog', 'FailedGetResourceMetric'), model('HorizontalPodAutoscaler', 'catalog'))).toBe(
      false
    );
  });
});
