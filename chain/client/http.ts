import { LightErrors } from './errors.js';

/** GET a URL and parse its JSON body; HTTP errors keep the node's message (REST bodies carry {code, message}). */
export async function fetchJson(url: string, timeoutMs = 15_000): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    throw LightErrors.Unavailable(`cannot reach ${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw LightErrors.MalformedResponse(`${url} answered HTTP ${res.status} with a body that is not JSON`);
  }
  if (!res.ok) {
    const message = (body as { message?: unknown })?.message;
    throw LightErrors.Unavailable(`${url} answered HTTP ${res.status}${typeof message === 'string' ? `: ${message}` : ''}`);
  }
  return body;
}
