// The HTTP API client: JSON in and out, the token travels in the HttpOnly cookie set by the
// server (from ?token= or the sign-in form), errors become ApiError with the server's code,
// message and issues ({path, code, message}).

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `HTTP ${status}`);
    this.status = status;
    this.code = error.code || 'http';
    this.issues = error.issues || [];
  }
  // "message" plus one line per issue: "path: message".
  describe() {
    if (!this.issues.length) return this.message;
    return this.issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n');
  }
}

export async function api(method, path, body) {
  const init = {method, credentials: 'same-origin', headers: {}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  let json = null;
  if (text && (response.headers.get('Content-Type') || '').includes('json')) {
    json = JSON.parse(text);
  }
  if (!response.ok) throw new ApiError(response.status, json);
  return json ?? text;
}

export const get = (path) => api('GET', path);
export const post = (path, body = {}) => api('POST', path, body);

export function campaignPath(name, rest = '') {
  return `/api/campaigns/${encodeURIComponent(name)}${rest}`;
}
