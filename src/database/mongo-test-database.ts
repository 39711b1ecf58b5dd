/**
 * For the contract specs that run against a real MongoDB (MONGODB_URI): the same URI naming a
 * throw-away database, so a run never touches the database the URI names. Credentials keep
 * authenticating where they did: without an explicit authSource, MongoDB authenticates against
 * the URI's database (admin when there is none), which is then named explicitly.
 */
export function withDatabase(uri: string, name: string): string {
  const scheme = /^mongodb(\+srv)?:\/\//.exec(uri)?.[0];
  if (!scheme) throw new Error('not a mongodb:// URI');
  const rest = uri.slice(scheme.length);
  const queryAt = rest.indexOf('?');
  const beforeQuery = queryAt === -1 ? rest : rest.slice(0, queryAt);
  const params = new URLSearchParams(queryAt === -1 ? '' : rest.slice(queryAt + 1));
  const at = beforeQuery.lastIndexOf('@');
  const slash = beforeQuery.indexOf('/', at + 1);
  const authority = slash === -1 ? beforeQuery : beforeQuery.slice(0, slash);
  const ownDatabase = slash === -1 ? '' : beforeQuery.slice(slash + 1);
  if (at !== -1 && !params.has('authSource')) params.set('authSource', ownDatabase || 'admin');
  const query = params.toString();
  return `${scheme}${authority}/${name}${query ? `?${query}` : ''}`;
}

/** A database name unique to this process and moment: `contract_<what>_<pid>_<ms>`. */
export function throwAwayDatabaseName(what: string): string {
  return `contract_${what}_${process.pid}_${Date.now()}`;
}
