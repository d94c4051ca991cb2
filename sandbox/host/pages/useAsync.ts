import { useEffect, useState } from 'react';

export interface AsyncState<T> {
  loading: boolean;
  value?: T;
  error?: Error;
}

/** Runs `load` whenever `deps` change; a result counts only for the deps it was loaded with. */
export function useAsync<T>(load: () => Promise<T>, deps: unknown[]): AsyncState<T> {
  const key = JSON.stringify(deps);
  const [settled, setSettled] = useState<{ key: string; value?: T; error?: Error }>();
  useEffect(() => {
    let current = true;
    load().then(
      (value) => current && setSettled({ key, value }),
      (error: Error) => current && setSettled({ key, error })
    );
    return () => {
      current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  return settled?.key === key ? { loading: false, value: settled.value, error: settled.error } : { loading: true };
}

export function errorMessage(error: unknown): string {
  const fetchError = error as { data?: { message?: string }; message?: string; statusText?: string };
  return fetchError?.data?.message ?? fetchError?.message ?? fetchError?.statusText ?? String(error);
}
