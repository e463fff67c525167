// The latency virtual queue of TSFA stage 2 (docs/algorithms.md section 5.5): Q(t+1) = max(Q(t) + T_actual - T_bar, 0).
// Q grows by every second a round overran the budget T_bar and drains by every second it came in under. Stage 2
// weighs the round latency by Q, so a long backlog makes the next rounds shorter; if Q stays bounded, the
// time-average latency cannot exceed T_bar by more than (Q(t) - Q(0)) / t, which tends to 0.

export function nextVirtualQueue(queue: number, actualLatencySec: number, latencyBudgetSec: number): number {
  return Math.max(queue + actualLatencySec - latencyBudgetSec, 0);
}
