import { render } from "preact";
import "../shared/styles.css";
import { pageToken } from "../shared/page-token";
import { JoinApp } from "./join-app";

const app = document.getElementById("app");
const joinToken = pageToken("join");
if (app !== null) {
  render(
    joinToken === undefined ? (
      <main>
        <h1>AirLoRA · participant</h1>
        <p class="pill bad" data-testid="connection-state" data-state="no-token">
          This page needs its join token: open the join URL or scan the QR code the coordinator printed.
        </p>
      </main>
    ) : (
      <JoinApp joinToken={joinToken} search={location.search} />
    ),
    app,
  );
}
