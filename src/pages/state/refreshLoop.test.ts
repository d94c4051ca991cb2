/**
 * @jest-environment node
 */
import { RefreshState, startRefreshLoop } from './refreshLoop';

/** A loader whose loads the test settles by hand; it records each load's signal and how many ran at once. */
function controlledLoader() {
  const loads: Array<{ signal: AbortSignal; resolve: (value: string) => void; reject: (error: Error) => void }> = [];
  const concurrency = { active: 0, max: 0 };
  const load = (signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      concurrency.active++;
      concurrency.max = Math.max(concurrency.max, concurrency.active);
      const settled = () => concurrency.active--;
      loads.push({
        signal,
        resolve: (value) => {
          settled();
          resolve(value);
        },
        reject: (error) => {
          settled();
          reject(error);
        },
      });
    });
  return { loads, load, concurrency };
}

function start(intervalMs: number) {
  const loader = controlledLoader();
  const states: Array<RefreshState<string>> = [];
  const loop = startRefreshLoop({ load: loader.load, intervalMs, onChange: (s) => states.push(s) });
  return { ...loader, states, loop, last: () => states[states.length - 1] };
}

beforeEach(() => {
  jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
});
afterEach(() => {
  jest.useRealTimers();
});

test('loads at once and reloads an interval after the end of each load', async () => {
  const { loads, loop, last } = start(30_000);
  expect(loads).toHaveLength(1);
  expect(last()).toEqual({ loading: true, refreshing: true });

  await jest.advanceTimersByTimeAsync(5_000);
  loads[0].resolve('first');
  await jest.advanceTimersByTimeAsync(0);
  expect(last()).toEqual({ data: 'first', loading: false, refreshing: false, lastUpdated: Date.now() });

  await jest.advanceTimersByTimeAsync(29_999);
  expect(loads).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(loads).toHaveLength(2);
  expect(last()).toMatchObject({ data: 'first', loading: false, refreshing: true });
  loop.stop();
});

test('a load slower than the interval is never overlapped: the next starts an interval after it ends', async () => {
  const { loads, loop, concurrency } = start(1_000);
  await jest.advanceTimersByTimeAsync(10_000); // ten intervals pass while the first load runs
  expect(loads).toHaveLength(1);

  loads[0].resolve('first');
  await jest.advanceTimersByTimeAsync(999);
  expect(loads).toHaveLength(1);
  await jest.advanceTimersByTimeAsync(1);
  expect(loads).toHaveLength(2);

  await jest.advanceTimersByTimeAsync(5_000);
  expect(loads).toHaveLength(2);
  loads[1].resolve('second');
  await jest.advanceTimersByTimeAsync(1_000);
  expect(loads).toHaveLength(3);
  expect(concurrency.max).toBe(1);
  loop.stop();
});

test('a failed refresh keeps the last good data and exposes the error; the next success clears it', async () => {
  const { loads, loop, last } = start(1_000);
  loads[0].resolve('good');
  await jest.advanceTimersByTimeAsync(0);
  const goodAt = Date.now();

  await jest.advanceTimersByTimeAsync(1_000);
  const failure = new Error('The bearer token was rejected (401).');
  loads[1].reject(failure);
  await jest.advanceTimersByTimeAsync(0);
  expect(last()).toEqual({ data: 'good', loading: false, refreshing: false, error: failure, lastUpdated: goodAt });

  // The schedule goes on after a failure.
  await jest.advanceTimersByTimeAsync(1_000);
  expect(loads).toHaveLength(3);
  expect(last()).toMatchObject({ data: 'good', refreshing: true, error: failure });
  loads[2].resolve('fresh');
  await jest.advanceTimersByTimeAsync(0);
  expect(last()).toEqual({ data: 'fresh', loading: false, refreshing: false, lastUpdated: Date.now() });
  loop.stop();
});

test('a failing first load ends the loading state with the error and no data', async () => {
  const { loads, loop, last } = start(1_000);
  loads[0].reject(new Error('unreachable'));
  await jest.advanceTimersByTimeAsync(0);
  expect(last()).toMatchObject({ loading: false, refreshing: false, error: new Error('unreachable') });
  expect(last().data).toBeUndefined();
  loop.stop();
});

test('a manual refresh while a load runs does not start a second load, and restarts the interval when idle', async () => {
  const { loads, loop } = start(30_000);
  loop.refresh();
  loop.refresh();
  expect(loads).toHaveLength(1);

  loads[0].resolve('first');
  await jest.advanceTimersByTimeAsync(20_000);
  loop.refresh();
  expect(loads).toHaveLength(2);
  loop.refresh();
  expect(loads).toHaveLength(2);
  loads[1].resolve('second');
  // The scheduled refresh of the first load (due at 30 s) was replaced by one 30 s after the manual one ended.
  await jest.advanceTimersByTimeAsync(29_999);
  expect(loads).toHaveLength(2);
  await jest.advanceTimersByTimeAsync(1);
  expect(loads).toHaveLength(3);
  loop.stop();
});

test('stop (unmount, cluster change) aborts the in-flight load, drops its result and ends the schedule', async () => {
  const { loads, loop, states } = start(1_000);
  expect(loads[0].signal.aborted).toBe(false);
  loop.stop();
  expect(loads[0].signal.aborted).toBe(true);

  const reported = states.length;
  loads[0].resolve('stale');
  await jest.advanceTimersByTimeAsync(10_000);
  loop.refresh();
  expect(states).toHaveLength(reported);
  expect(loads).toHaveLength(1);
});

test('stop while idle cancels the scheduled refresh', async () => {
  const { loads, loop } = start(1_000);
  loads[0].resolve('first');
  await jest.advanceTimersByTimeAsync(500);
  loop.stop();
  await jest.advanceTimersByTimeAsync(10_000);
  expect(loads).toHaveLength(1);
});

test('a cancellation the loop did not ask for ends the load without reporting an error', async () => {
  const { loads, loop, last } = start(1_000);
  loads[0].resolve('good');
  await jest.advanceTimersByTimeAsync(1_000);
  const cancelled = new Error('The request was cancelled.');
  cancelled.name = 'CancelledError';
  loads[1].reject(cancelled);
  await jest.advanceTimersByTimeAsync(0);
  expect(last()).toMatchObject({ data: 'good', refreshing: false });
  expect(last().error).toBeUndefined();
  loop.stop();
});
