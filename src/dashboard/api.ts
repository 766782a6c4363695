/** The dashboard's only way to the gateway: the same HTTP API a key could call itself, with the key as a Bearer token. */

/** A problem+json answer: our catalog code and what to do about it. */
export interface Problem {
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly code?: string | number;
  readonly type?: string;
  readonly action?: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }
}

export interface Who {
  readonly kind: 'admin' | 'account';
  readonly key_id: string;
  readonly key_name: string;
  readonly account_id: string | null;
  readonly account_name: string | null;
}

/** What a conditional GET answered: new figures with their tag, or "unchanged" (304). */
export type Polled<T> = { readonly changed: true; readonly body: T; readonly etag: string | null } | { readonly changed: false };

export class Api {
  constructor(private readonly key: string) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.key}`, accept: 'application/json, application/problem+json', ...extra };
  }

  private static async failure(response: Response): Promise<ApiError> {
    const body = (await response.json().catch(() => ({}))) as Partial<Problem>;
    return new ApiError({ title: body.title ?? response.statusText, status: response.status, ...body });
  }

  async get<T>(path: string): Promise<T> {
    const response = await fetch(path, { headers: this.headers(), cache: 'no-store' });
    if (!response.ok) throw await Api.failure(response);
    return (await response.json()) as T;
  }

  /** A GET that answers "unchanged" when the figures still carry `etag`. */
  async poll<T>(path: string, etag: string | null): Promise<Polled<T>> {
    const response = await fetch(path, { headers: this.headers(etag ? { 'if-none-match': etag } : {}), cache: 'no-store' });
    if (response.status === 304) return { changed: false };
    if (!response.ok) throw await Api.failure(response);
    return { changed: true, body: (await response.json()) as T, etag: response.headers.get('etag') };
  }

  async send<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const response = await fetch(path, {
      method, cache: 'no-store',
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await Api.failure(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }
}

/** A query string from the fields that are set. */
export function query(fields: Readonly<Record<string, string | undefined>>): string {
  const params = new URLSearchParams(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
