import { act, renderHook } from '@testing-library/react';
import { ClusterDatasource } from './clusters';
import type { ClusterLoad } from './clusterLoad';
import { loadCluster } from './loadCluster';
import { useClusterData } from './useClusterData';

// The loader is faked (the hook's wiring is what is tested here); loadCluster itself runs against the simulator in
// the e2e specs.
jest.mock('./loadCluster', () => ({ loadCluster: jest.fn() }));
const loadClusterMock = loadCluster as jest.MockedFunction<typeof loadCluster>;

interface PendingLoad {
  uid: string;
  signal: AbortSignal;
  resolve: (load: ClusterLoad) => void;
}

function cluster(uid: string): ClusterDatasource {
  // watch: false, the polling loop this file tests (liveCluster.ts is tested on the testbed).
  return { uid, name: uid, jsonData: { watch: false } } as ClusterDatasource;
}

function snapshotNamed(name: string): ClusterLoad {
  return { snapshot: { name } as unknown as ClusterLoad['snapshot'], figures: {} };
}

let pending: PendingLoad[];
beforeEach(() => {
  pending = [];
  loadClusterMock.mockReset();
  loadClusterMock.mockImplementation(
    (c, _ids, signal) => new Promise((resolve) => pending.push({ uid: c.uid, signal, resolve }))
  );
});

test('changing cluster aborts the old load, and its late result never replaces the new cluster’s data', async () => {
  const a = cluster('a');
  const b = cluster('b');
  const { result, rerender } = renderHook(({ c }) => useClusterData(c, []), { initialProps: { c: a } });
  expect(pending.map((p) => p.uid)).toEqual(['a']);
  expect(result.current.loading).toBe(true);

  rerender({ c: b });
  expect(pending[0].signal.aborted).toBe(true);
  expect(pending.map((p) => p.uid)).toEqual(['a', 'b']);
  expect(pending[1].signal.aborted).toBe(false);

  await act(async () => pending[1].resolve(snapshotNamed('cluster b')));
  expect(result.current.snapshot).toEqual({ name: 'cluster b' });
  await act(async () => pending[0].resolve(snapshotNamed('cluster a')));
  expect(result.current.snapshot).toEqual({ name: 'cluster b' });
  expect(result.current.loading).toBe(false);
});

test('a new cluster starts from a clean state, not with the previous cluster’s data', async () => {
  const { result, rerender } = renderHook(({ c }) => useClusterData(c, []), { initialProps: { c: cluster('a') } });
  await act(async () => pending[0].resolve(snapshotNamed('cluster a')));
  expect(result.current.snapshot).toEqual({ name: 'cluster a' });

  rerender({ c: cluster('b') });
  expect(result.current.snapshot).toBeUndefined();
  expect(result.current.loading).toBe(true);
});

test('unmounting aborts the in-flight load', () => {
  const a = cluster('a');
  const { unmount } = renderHook(() => useClusterData(a, []));
  expect(pending[0].signal.aborted).toBe(false);
  unmount();
  expect(pending[0].signal.aborted).toBe(true);
});

test('refresh() while the load runs starts no second load; after it, it loads again', async () => {
  const a = cluster('a');
  const { result } = renderHook(() => useClusterData(a, []));
  act(() => result.current.refresh());
  expect(pending).toHaveLength(1);
  await act(async () => pending[0].resolve(snapshotNamed('first')));
  act(() => result.current.refresh());
  expect(pending).toHaveLength(2);
  expect(result.current.refreshing).toBe(true);
  expect(result.current.snapshot).toEqual({ name: 'first' });
});
