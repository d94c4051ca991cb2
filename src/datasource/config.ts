/** Pure checks of the datasource settings, shared by the config editor and Save & test. */

export type UrlCheck = { ok: true; url: string } | { ok: false; reason: string };

/**
 * Checks the API server URL the proxy routes use. Returns the normalized URL (no trailing slash, because the review
 * routes in plugin.json append "/apis/…" to it) or the reason it cannot work.
 */
export function checkClusterUrl(value: string | undefined): UrlCheck {
  const trimmed = (value ?? '').trim();
  if (!trimmed) {
    return { ok: false, reason: 'Enter the API server URL, for example https://10.0.0.1:6443.' };
  }
  let parsed: URL;
  try {
    parsed = new URL(trimmed);
  } catch {
    return { ok: false, reason: `"${trimmed}" is not a URL: write it with its scheme, like https://${trimmed}.` };
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return {
      ok: false,
      reason: `The scheme must be https (or http for a local proxy), not ${parsed.protocol.replace(':', '')}.`,
    };
  }
  if (parsed.search || parsed.hash) {
    return { ok: false, reason: 'Remove the query string and fragment: the API paths are appended to this URL.' };
  }
  if (parsed.username || parsed.password) {
    return {
      ok: false,
      reason: 'Remove the user and password from the URL: authenticate with the bearer token below.',
    };
  }
  return { ok: true, url: trimmed.replace(/\/+$/, '') };
}
