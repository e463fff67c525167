// One round as the participant sees it: what it is doing (a progress bar with step, loss and tokens/s), the bytes
// it received and sent, the share of the uplink and the byte budget it was given against what it used, and the
// energy its sparsified update kept.
import type { BackendName } from "@airlora/protocol";
import type { RoundView } from "./participant-view";
import { formatBps, formatBytes, formatPercent } from "./format";

const STAGE_TEXT: Record<RoundView["stage"], string> = {
  assigned: "assigned",
  downloading: "downloading the global adapter",
  training: "training",
  uploading: "uploading the update",
  uploaded: "uploaded, waiting for the round to close",
  submitted: "✓ submitted: the update counts in this round",
  late: "late: the round closed before this update arrived",
  dropped: "dropped: the connection went away during the round",
  rejected: "rejected",
};

export function RoundCard({ round, backend }: { readonly round: RoundView; readonly backend: BackendName | null }) {
  const tone =
    round.stage === "late" || round.stage === "dropped" || round.stage === "rejected"
      ? "bad"
      : round.stage === "submitted" || round.stage === "uploaded"
        ? "ok"
        : "wait";
  const title =
    round.phase === "probe" ? `Round ${String(round.round)} · linear probe` : `Round ${String(round.round)}`;
  return (
    <article
      class="round"
      data-testid="round"
      data-round={round.round}
      data-stage={round.stage}
      data-phase={round.phase}
    >
      <header>
        <h2>{title}</h2>
        <span class={`pill ${tone}`} data-testid="round-stage">
          {STAGE_TEXT[round.stage]}
        </span>
      </header>
      {round.reason !== undefined && <p class="note">{round.reason}</p>}
      <Progress round={round} />
      <dl class="facts">
        <dt>received</dt>
        <dd data-testid="round-bytes-down">{formatBytes(round.bytesDown)}</dd>
        <dt>sent</dt>
        <dd data-testid="round-bytes-up" data-bytes={round.bytesUp ?? ""}>
          {round.bytesUp === undefined
            ? "—"
            : `${formatBytes(round.bytesUp)} of a ${formatBytes(round.byteBudget)} budget (${formatPercent(round.bytesUp / round.byteBudget)})`}
        </dd>
        <dt>budget</dt>
        <dd data-testid="round-budget">{formatBytes(round.byteBudget)}</dd>
        <dt>uplink share</dt>
        <dd data-testid="round-share">
          {formatPercent(round.bandwidthShare)} ({formatBps(round.paceBps)})
        </dd>
        <dt>energy kept</dt>
        <dd data-testid="round-energy">{round.energyKept === undefined ? "—" : formatPercent(round.energyKept)}</dd>
        <dt>backend</dt>
        <dd>{backend ?? "—"}</dd>
        {round.hidden && (
          <>
            <dt>tab</dt>
            <dd data-testid="round-hidden">was in the background during this round</dd>
          </>
        )}
      </dl>
    </article>
  );
}

function Progress({ round }: { readonly round: RoundView }) {
  if (round.phase === "probe") {
    return <p class="note">fitting the classifier head on this device's data (no steps to count)</p>;
  }
  const parts = [`step ${String(round.step)}/${String(round.steps)}`];
  if (round.loss !== undefined) parts.push(`loss ${round.loss.toFixed(3)}`);
  if (round.tokensPerSec !== undefined) parts.push(`${Math.round(round.tokensPerSec).toLocaleString()} tokens/s`);
  return (
    <div class="progress">
      <progress data-testid="round-progress" max={Math.max(1, round.steps)} value={round.step} />
      <span data-testid="round-steps">{parts.join(" · ")}</span>
    </div>
  );
}
