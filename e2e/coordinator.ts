// The e2e coordinator: the real CLI, started once for the whole run by Playwright's webServer.
export const E2E_PORT = Number(process.env.AIRLORA_E2E_PORT ?? 8181);
export const E2E_JOIN_TOKEN = "e2e-join-token";
export const E2E_ADMIN_TOKEN = "e2e-admin-token";
export const E2E_ORIGIN = `http://127.0.0.1:${String(E2E_PORT)}`;
export const JOIN_URL = `${E2E_ORIGIN}/?token=${E2E_JOIN_TOKEN}`;
export const DASHBOARD_URL = `${E2E_ORIGIN}/dashboard?token=${E2E_ADMIN_TOKEN}`;
