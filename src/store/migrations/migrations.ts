/** The ordered list of schema migrations; every backend applies the same list, recording each id once. */
import { initial } from './001-initial.js';
import { dispatch } from './002-dispatch.js';

export interface Migration {
  readonly id: number;
  readonly name: string;
  /** SQL in the common subset (TEXT, BIGINT, INTEGER); BLOB is the one type a PostgreSQL migrator must read as BYTEA. */
  readonly statements: readonly string[];
}

export const MIGRATIONS: readonly Migration[] = [initial, dispatch];
