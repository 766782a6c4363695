/** Pages live in the address's fragment (#/errors, #/messages/msg_1?status=failed): nothing of it reaches the server. */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  readonly page: string;
  readonly rest: readonly string[];
  readonly params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const [page = '', ...rest] = path.split('/').filter((part) => part !== '').map(decodeURIComponent);
  return { page: page || 'overview', rest, params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = (): void => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}

export function go(hash: string): void {
  location.hash = hash;
}
