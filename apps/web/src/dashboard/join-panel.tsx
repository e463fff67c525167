// Where participants join: the QR code (the coordinator draws it as SVG; shown as an image, so nothing in it can
// run) and the URL. Both hold the join token: this panel is on the admin page only.
import type { JoinInfo } from "@airlora/protocol";

export function JoinPanel({ join }: { readonly join: JoinInfo }) {
  const src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(join.qrSvg)}`;
  return (
    <section class="join-panel" data-testid="join-panel">
      <img src={src} alt="QR code of the join URL" width={160} height={160} data-testid="join-qr" />
      <div>
        <p>Phones and laptops on this network join with:</p>
        <p>
          <code data-testid="join-url">{join.joinUrl}</code>
        </p>
        <p class="note">It holds the join token: share it with participants, not the dashboard URL.</p>
      </div>
    </section>
  );
}
