// A URL may carry secrets: `user:password@` and query values such as `?api_key=…`. They must never
// reach a report or an error message, and fetch refuses a URL with credentials outright (its
// error message then repeats the whole URL). One place decides how such a URL is shown and sent.

const SECRET_QUERY_KEY = /token|key|secret|sig|pass|auth|credential/i;

/** The URL without user:password and with secret-looking query values masked, for output. */
export function redactUrl(url: URL): string {
  const u = new URL(url.href);
  if (u.username !== '' || u.password !== '') {
    u.username = '***';
    u.password = '';
  }
  for (const key of [...u.searchParams.keys()]) if (SECRET_QUERY_KEY.test(key)) u.searchParams.set(key, '***');
  return u.href;
}

/** The URL to request: `user:password@` moved out of it into a Basic `authorization` header. */
export function withoutCredentials(url: URL): { url: URL; headers: Record<string, string> } {
  const target = new URL(url.href);
  if (target.username === '' && target.password === '') return { url: target, headers: {} };
  const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
  target.username = '';
  target.password = '';
  return { url: target, headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } };
}

/** `scheme://userinfo@` in running text: user:password, :password (an empty user), a lone token. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#'"<>`|]*@/gi;

/**
 * `text` with the credentials of every URL in it removed (`redis://:pw@host` → `redis://host`):
 * what a person typed, before it becomes a thread title, a root message, a button value or job
 * data. The request then runs without them.
 */
export function stripUrlCredentials(text: string): string {
  return text.replace(URL_USERINFO, '$1');
}

/** Every string inside `value` (objects and arrays walked) through stripUrlCredentials: job data before it is written to Redis. */
export function withoutUrlCredentials<T>(value: T): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return stripUrlCredentials(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
