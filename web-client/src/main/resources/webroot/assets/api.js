// The one way pages talk to the server: fetch with the caller's token, JSON in and out, and
// application/problem+json failures turned into an ApiError that knows which field was at fault.

/** A failed call: `status` (0 when the server could not be reached) and the problem document. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }

  /**
   * What to show under a field the problem names: the page's own words for what the field needs (the server's
   * schema messages are for developers), else the server's message; null when the field is fine.
   */
  fieldMessage(field, hint) {
    const hits = (this.problem.errors || []).filter((e) => e.field === field);
    if (hits.length === 0) return null;
    return hint || hits[hits.length - 1].message;
  }
}

/** A token kept in one of the browser's storages under one key. */
class TokenStore {
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
  }

  get() {
    try {
      return this.storage.getItem(this.key);
    } catch {
      return null; // storage disabled (private mode): the page asks again
    }
  }

  set(token) {
    this.storage.setItem(this.key, token);
  }

  clear() {
    this.storage.removeItem(this.key);
  }
}

/** Staff tokens live for the tab only: a shared counter computer forgets them when the tab closes. */
export const staffToken = new TokenStore(window.sessionStorage, 'linli.staff.token');
/** A household's guest token (POST /api/viewers) stays on its phone, as their orders do. */
export const viewerToken = new TokenStore(window.localStorage, 'linli.viewer.token');

async function send(path, { method = 'GET', body, token, accept = 'application/json' } = {}) {
  const headers = { Accept: `${accept}, application/problem+json` };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
  } catch (e) {
    throw new ApiError(0, { type: 'network', title: 'Network error', detail: String(e.message || e) });
  }
  if (!response.ok) {
    let problem = { type: `http-${response.status}`, title: response.statusText, status: response.status };
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) {
      try {
        problem = await response.json();
      } catch {
        // keep the plain one
      }
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

/** A JSON call; answers the parsed body. */
export async function call(path, options = {}) {
  const response = await send(path, options);
  return response.status === 204 ? null : response.json();
}

/** A download (CSV, PNG): answers the body as a Blob. */
export async function blob(path, options = {}) {
  const response = await send(path, { accept: '*/*', ...options });
  return response.blob();
}

/** Hands a Blob to the browser as a file download. */
export function saveAs(data, filename) {
  const url = URL.createObjectURL(data);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Money is integer fen on the wire; people read yuan. */
export function yuan(fen) {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(Math.trunc(fen));
  return `${sign}¥${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
