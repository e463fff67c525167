import type { BackendAttempt } from "@airlora/core";

/** Each backend the probe tried, whether it worked, and why not. */
export function ProbeTable({ attempts }: { readonly attempts: readonly BackendAttempt[] }) {
  return (
    <table data-testid="probe-table">
      <thead>
        <tr>
          <th>backend</th>
          <th>result</th>
          <th>time</th>
          <th>why not</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((attempt) => (
          <tr key={attempt.backend} data-backend={attempt.backend} data-ok={String(attempt.ok)}>
            <td>{attempt.backend}</td>
            <td>{attempt.ok ? "✓ works" : "✗ failed"}</td>
            <td>{attempt.ms} ms</td>
            <td class="reason">{attempt.reason ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
