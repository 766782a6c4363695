/**
 * Reads a PostgreSQL DATABASE_URL. Besides what the driver understands, it may name the schema Switchboard keeps its
 * tables in (`?schema=switchboard`, created when missing), so one database can hold several gateways or test runs.
 */
export interface PostgresLocation {
  /** The URL for the driver, without our `schema` parameter. */
  readonly url: string;
  readonly schema: string | undefined;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//.test(url);
}

export function parsePostgresUrl(raw: string): PostgresLocation {
  const url = new URL(raw);
  const schema = url.searchParams.get('schema') ?? undefined;
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new Error(`DATABASE_URL names the schema "${schema}": use lower-case letters, digits and underscores (at most 63)`);
  url.searchParams.delete('schema');
  return { url: url.toString(), schema };
}
