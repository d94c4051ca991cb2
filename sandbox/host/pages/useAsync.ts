import { useEffect, useState } from 'react';

export interface AsyncState<T> {
  loading: boolean;
  value?: T;
  error?: Error;
}

/** Runs `load` whenever `deps` change and ignores results that arrive after a newer run started. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const [state, setState] = useState<AsyncState<T>>({ loading: true });
  useEffect(() => {
    let current = true;
    setState({ loading: true });
    load().then(
      (value) => current && setState({ loading: false, value }),
      (error: Error) => current && setState({ loading: false, error })
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

export function errorMessage(error: unknown): string {
  const fetchError = error as { data?: { message?: string }; message?: string; statusText?: string };
  return fetchError?.data?.message ?? fetchError?.message ?? fetchError?.statusText ?? String(error);
}
