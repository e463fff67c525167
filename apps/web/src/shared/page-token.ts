/** The `?token=` a page was opened with (docs/interfaces.md), or undefined. */
export function pageToken(search: string = location.search): string | undefined {
  const token = new URLSearchParams(search).get("token");
  return token === null || token === "" ? undefined : token;
}
