export { probeBackends, probeOrder, type Preflight, type ProbeOptions, type ProbeReport } from "./backends/probe";
