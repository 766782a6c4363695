/** The key of this browser tab: kept in sessionStorage (gone when the tab closes), never in a URL or a cookie. */
const STORAGE_KEY = 'switchboard.key';

export function storedKey(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

export function keepKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
