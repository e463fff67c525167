// The secret a page was opened with (docs/interfaces.md): `?token=` in the URL the coordinator printed. Once read,
// it leaves the address bar (history.replaceState), so it is not shown over a shoulder, kept in the browser's
// history or copied along with the URL; this tab keeps it in sessionStorage, so a reload still works.

/** The page's token, or undefined. `page` keeps the join and admin tokens apart in one tab's storage. */
export function pageToken(page: "join" | "dashboard", where: Location = location): string | undefined {
  const key = `airlora.${page}.token`;
  const url = new URL(where.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl !== null && fromUrl !== "") {
    remember(key, fromUrl);
    url.searchParams.delete("token");
    history.replaceState(history.state, "", `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return recall(key);
}

function remember(key: string, token: string): void {
  try {
    sessionStorage.setItem(key, token);
  } catch {
    // Storage refused (private mode quotas): the token works for this page view, not after a reload.
  }
}

function recall(key: string): string | undefined {
  try {
    const token = sessionStorage.getItem(key);
    return token === null || token === "" ? undefined : token;
  } catch {
    return undefined;
  }
}
