/**
 * The refresh schedule behind useClusterData, kept free of React so its timing can be tested with fake timers.
 */

export interface RefreshState<T> {
  /** The last successful load's result; kept when a later refresh fails. */
  data?: T;
  /** The first load is running (nothing to show yet). */
  loading: boolean;
  /** A load is in flight (first load or refresh). */
  refreshing: boolean;
  /** The last load failed; `data` is still the last good one. Cleared by the next success. */
  error?: Error;
  /** epoch ms of the last successful load. */
  lastUpdated?: number;
}

export interface RefreshLoop {
  /** Loads now unless a load is in flight (then it does nothing); the next interval counts from its end. */
  refresh(): void;
  /** Aborts the in-flight load and stops the schedule; no state change is reported afterwards. */
  stop(): void;
}

export interface RefreshLoopOptions<T> {
  load: (signal: AbortSignal) => Promise<T>;
  intervalMs: number;
  onChange: (state: RefreshState<T>) => void;
}

function isCancel(error: unknown): boolean {
  return (
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledError')) ||
    (typeof DOMException !== 'undefined' && error instanceof DOMException && error.name === 'AbortError')
  );
}

/**
 * Starts loading at once, then reloads `intervalMs` after the end of each load (a timer, not an interval, so a load
 * slower than the interval never overlaps the next one). Every load gets the loop's one AbortSignal.
 */
export function startRefreshLoop<T>({ load, intervalMs, onChange }: RefreshLoopOptions<T>): RefreshLoop {
  const lifetime = new AbortController();
  let state: RefreshState<T> = { loading: true, refreshing: false };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight = false;

  const publish = (next: RefreshState<T>) => {
    state = next;
    onChange(state);
  };

  const run = async () => {
    if (inFlight || lifetime.signal.aborted) {
      return;
    }
    inFlight = true;
    clearTimeout(timer);
    publish({ ...state, refreshing: true });
    try {
      const data = await load(lifetime.signal);
      if (!lifetime.signal.aborted) {
        publish({ data, loading: false, refreshing: false, lastUpdated: Date.now() });
      }
    } catch (error) {
      if (lifetime.signal.aborted) {
        return;
      }
      if (isCancel(error)) {
        // Cancelled by someone else (not this loop): no failure to report, but the load is over.
        publish({ ...state, refreshing: false });
      } else {
        publish({
          ...state,
          loading: false,
          refreshing: false,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    } finally {
      inFlight = false;
      if (!lifetime.signal.aborted) {
        timer = setTimeout(run, intervalMs);
      }
    }
  };

  run();
  return {
    refresh: () => {
      run();
    },
    stop: () => {
      lifetime.abort();
      clearTimeout(timer);
    },
  };
}
