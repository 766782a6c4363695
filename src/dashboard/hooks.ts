/** Loading figures into components: once, or live by polling with If-None-Match so unchanged figures cost a 304. */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api, type Problem } from './api.ts';

export const LIVE_INTERVAL_MS = 3_000;

export interface Loaded<T> {
  readonly data: T | undefined;
  readonly problem: Problem | undefined;
  /** When the figures were last confirmed (changed or 304). */
  readonly checkedAt: Date | undefined;
}

export function problemOf(error: unknown): Problem {
  return error instanceof ApiError ? error.problem : { title: 'The gateway did not answer', status: 0, detail: String(error) };
}

/** `path` read now and then every `intervalMs` while the component is shown; `path: null` reads nothing. */
export function usePolled<T>(api: Api, path: string | null, intervalMs: number = LIVE_INTERVAL_MS, refresh = 0): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ data: undefined, problem: undefined, checkedAt: undefined });
  useEffect(() => {
    setState({ data: undefined, problem: undefined, checkedAt: undefined });
    if (path === null) return undefined;
    let etag: string | null = null;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function tick(): Promise<void> {
      try {
        const answer = await api.poll<T>(path!, etag);
        if (stopped) return;
        if (answer.changed) etag = answer.etag;
        setState((before) => ({ data: answer.changed ? answer.body : before.data, problem: undefined, checkedAt: new Date() }));
      } catch (error) {
        if (!stopped) setState((before) => ({ ...before, problem: problemOf(error) }));
      }
      if (!stopped && intervalMs > 0) timer = setTimeout(() => void tick(), intervalMs);
    }
    void tick();
    return () => {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [api, path, intervalMs, refresh]);
  return state;
}

/** `path` read once (again when `refresh` changes). */
export function useLoaded<T>(api: Api, path: string | null, refresh = 0): Loaded<T> {
  return usePolled<T>(api, path, 0, refresh);
}
