import { render } from "preact";
import "../shared/styles.css";
import { pageToken } from "../shared/page-token";
import { DashboardApp } from "./dashboard-app";

const app = document.getElementById("app");
const adminToken = pageToken("dashboard");
if (app !== null) {
  render(
    adminToken === undefined ? (
      <main>
        <h1>AirLoRA · dashboard</h1>
        <p class="pill bad">This page needs the admin token: use the dashboard URL the coordinator printed.</p>
      </main>
    ) : (
      <DashboardApp adminToken={adminToken} />
    ),
    app,
  );
}
