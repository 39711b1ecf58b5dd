/**
 * A MongoDB connection string as it may be shown in a log: scheme, hosts and database only.
 * The user info (credentials) and the query (which can hold secrets such as
 * tlsCertificateKeyFilePassword or AWS session tokens) are left out.
 */
export function displayMongoUri(uri: string): string {
  const scheme = /^mongodb(\+srv)?:\/\//.exec(uri)?.[0];
  if (!scheme) return '(not a mongodb:// URI)';
  const rest = uri.slice(scheme.length).split('?')[0];
  // Credentials end at the last '@' before the query: an unescaped '@' or '/' in a password stays hidden.
  const at = rest.lastIndexOf('@');
  return `${scheme}${at === -1 ? rest : rest.slice(at + 1)}`;
}

/** `text` with the whole URI and its credentials, wherever they appear, replaced by their display form. */
export function withoutCredentials(text: string, uri: string): string {
  let clean = text.split(uri).join(displayMongoUri(uri));
  const scheme = /^mongodb(\+srv)?:\/\//.exec(uri)?.[0];
  if (scheme) {
    const rest = uri.slice(scheme.length).split('?')[0];
    const at = rest.lastIndexOf('@');
    if (at > 0) {
      const userInfo = rest.slice(0, at);
      for (const part of [userInfo, ...userInfo.split(':')].filter((piece) => piece.length >= 3)) {
        clean = clean.split(part).join('***');
        try {
          clean = clean.split(decodeURIComponent(part)).join('***');
        } catch {
          // not percent-encoded text: the raw form is already hidden
        }
      }
    }
  }
  return clean;
}
