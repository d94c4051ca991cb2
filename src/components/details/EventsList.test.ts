import { staleEventsSnapshot } from '../../selectors/__fixtures__/staleEvents';
import { objectEvents } from './EventsList';

describe('objectEvents (the details drawer)', () => {
  const snapshot = staleEventsSnapshot();

  it('keeps superseded events as the object history, newest first', () => {
    const pod = snapshot.byKind.Pod.find((p) => p.name === 'catalog-745cbbf7b8-p1')!;
    expect(objectEvents(snapshot, pod).map((e) => `${e.type} ${e.reason}`)).toEqual([
      'Warning Unhealthy',
      'Normal Scheduled',
      'Warning FailedScheduling',
      'Warning FailedScheduling',
    ]);
  });

  it('shows kubelet events on their Node, which name it by its name in the uid field', () => {
    const node = snapshot.byKind.Node.find((n) => n.name === 'kwok-worker-3')!;
    expect(objectEvents(snapshot, node).map((e) => e.reason)).toEqual(['FreeDiskSpaceFailed', 'InvalidDiskCapacity']);
  });

  it('leaves out the events of an earlier object of the same name', () => {
    const redis = snapshot.byKind.Pod.find((p) => p.name === 'redis-0')!;
    expect(objectEvents(snapshot, redis).map((e) => e.reason)).toEqual(['FailedScheduling']);
  });
});
