import type { BackendRow } from "@airlora/model";

const VERDICT: Record<BackendRow["verdict"], string> = {
  chosen: "✓ trains here",
  slower: "works, slower",
  "not-timed": "works",
  failed: "✗ failed",
};

/** Each backend, whether it works, its timed LoRA step, and why it was chosen or not. */
export function ProbeTable({ rows }: { readonly rows: readonly BackendRow[] }) {
  return (
    <table data-testid="probe-table" class="backends">
      <thead>
        <tr>
          <th>backend</th>
          <th>result</th>
          <th>LoRA step</th>
          <th>why</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr
            key={row.backend}
            data-backend={row.backend}
            data-ok={String(row.verdict !== "failed")}
            data-verdict={row.verdict}
            data-step-ms={row.stepMs === undefined ? "" : String(row.stepMs)}
          >
            <td>{row.backend}</td>
            <td>{VERDICT[row.verdict]}</td>
            <td>
              {row.stepMs === undefined ? "—" : `${row.stepMs.toFixed(0)} ms`}
              {row.firstStepMs !== undefined && row.firstStepMs > 2 * (row.stepMs ?? 0) && (
                <span class="note"> (first {row.firstStepMs.toFixed(0)} ms)</span>
              )}
            </td>
            <td class="reason">{row.reason}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
