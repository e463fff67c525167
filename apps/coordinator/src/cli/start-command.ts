// `airlora start` (docs/interfaces.md): the coordinator with its run. Prints the join URL, a QR code and the
// dashboard URL, then one line per round.
import { AGGREGATION_RULES } from "@airlora/core";
import { LORA_TARGET_NAMES, PRESET_NAMES, SCHEDULER_NAMES, TASK_NAMES } from "@airlora/protocol";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { announcement, coordinatorUrls } from "../announce";
import { DEFAULT_HOST, DEFAULT_PORT, defaultConfig } from "../config";
import { pagesBuilt } from "../http/pages";
import { stderrLogger } from "../log";
import { loadResumePoint, type ResumePoint } from "../run/resume";
import { runSettings, type RunFlags, type RunSettings } from "../run/run-settings";
import { DEFAULT_ACCESS_LIMITS } from "../security/access-guard";
import { startCoordinator } from "../server";
import { providedCertificate, selfSignedCertificate, type TlsMaterial } from "../tls/certificate";
import { describeEffect } from "./round-lines";
import { integer, listOf, nonNegative, oneOf, port, positive, token } from "./arguments";

interface StartOptions extends RunFlags {
  port: number;
  host: string;
  joinToken?: string;
  adminToken?: string;
  model?: RunFlags["preset"];
  out?: string;
  queueFloor?: number;
  lr?: number;
  resume?: string;
  https?: boolean;
  cert?: string;
  key?: string;
  maxConnectionsPerIp?: number;
}

/** Flags that may go with --resume: where to listen and which secrets to accept; everything else is the run's. */
const RESUME_FLAGS = new Set([
  "port",
  "host",
  "joinToken",
  "adminToken",
  "resume",
  "https",
  "cert",
  "key",
  "maxConnectionsPerIp",
]);

export const startCommand = new Command("start")
  .description("start the coordinator: serves the join page, the dashboard and the API, and runs the rounds")
  .option("--port <port>", "TCP port", port, DEFAULT_PORT)
  .option("--host <host>", "address to bind", DEFAULT_HOST)
  .option("--join-token <token>", "secret in the join URL (random if omitted)", token)
  .option("--admin-token <token>", "secret for the dashboard and admin API (random if omitted)", token)
  .option("--task <task>", `what to fine-tune on: ${TASK_NAMES.join(", ")} (default spam)`, oneOf(TASK_NAMES))
  .option("--model <preset>", `base model: ${PRESET_NAMES.join(", ")} (default tiny)`, oneOf(PRESET_NAMES))
  .option("--rule <rule>", `aggregation: ${AGGREGATION_RULES.join(", ")} (default soft)`, oneOf(AGGREGATION_RULES))
  .option("--scheduler <name>", `${SCHEDULER_NAMES.join(" or ")} (default tsfa)`, oneOf(SCHEDULER_NAMES))
  .option("--rounds <n>", "LoRA rounds before the run is done (default 20)", integer(1, 100_000))
  .option(
    "--min-clients <k>",
    "ready participants a round needs to start and to aggregate (default 2)",
    integer(1, 100_000),
  )
  .option(
    "--start-clients <n>",
    "ready participants the first round waits for (default --min-clients)",
    integer(1, 100_000),
  )
  .option(
    "--local-steps <n>",
    "training steps per participant per round (default: tiny 20, nano 30)",
    integer(1, 100_000),
  )
  .option(
    "--latency-budget-ms <ms>",
    "long-term average round latency TSFA keeps (default: tiny 25000, nano 10000)",
    positive(86_400_000),
  )
  .option("--uplink-mbps <x>", "the shared uplink W the bandwidth shares divide, Mbit/s (default 2)", positive(100_000))
  .option("--rank <r>", "LoRA rank; skips TSFA stage 1 (default: stage 1 picks 2, 4 or 8)", integer(1, 256))
  .option("--seed <s>", "seed of the data split, init and batches (default 0)", integer(0, 2 ** 32 - 1))
  .option("--out <dir>", "where run directories go (default ./runs)")
  .option("--shards <n>", "data shards the training split is cut into (default 10)", integer(1, 10_000))
  .option("--alpha <a>", "Dirichlet label skew of spam shards, smaller = more skewed (default 10, mild)", positive(1e6))
  .option("--precision <p>", "update values: fp16 or fp32 (default fp16)", oneOf(["fp16", "fp32"] as const))
  .option("--lr <rate>", "participants' learning rate (default: tiny 0.001, nano 0.003)", positive(1))
  .option(
    "--targets <list>",
    `LoRA targets, comma-separated from ${LORA_TARGET_NAMES.join(",")}`,
    listOf(LORA_TARGET_NAMES),
  )
  .option(
    "--penalty-weight <v>",
    "V, the weight of lost update energy against latency, s^2 (default budget^2)",
    positive(1e12),
  )
  .option(
    "--queue-floor <s>",
    "place-holder backlog added to Q when scheduling, seconds (default V / budget)",
    nonNegative(1e12),
  )
  .option(
    "--grace-ms <ms>",
    "extra time after the expected round latency before the deadline (default 2000)",
    integer(0, 86_400_000),
  )
  .option(
    "--kept-ratio <x>",
    "--scheduler fixed: the share of rank components everyone keeps (default 0.5)",
    positive(1),
  )
  .option(
    "--error-feedback",
    "soft, topk: participants carry what an update leaves out into their next one (error feedback)",
  )
  .option(
    "--eval-rows <n>",
    "held-out rows evaluated after each round (default: all; tiny spam 64)",
    integer(1, 1_000_000),
  )
  .option("--max-clients <n>", "identities the coordinator holds at most (default 1000)", integer(1, 1_000_000))
  .option("--chunk-bytes <n>", "largest upload chunk (default 65536)", integer(256, 65_536))
  .option(
    "--clip-norm <x>",
    "robust aggregation: scale back any update whose change to the global adapter is longer than x (L2)",
    positive(1e6),
  )
  .option(
    "--resume <run-dir>",
    "carry on the run in this directory from its last complete round (keeps its settings, tokens and clients)",
  )
  .option("--https", "serve over TLS (a self-signed certificate for this machine's addresses, kept under <out>/tls)")
  .option("--cert <file>", "--https with your own certificate (PEM; a chain is fine)")
  .option("--key <file>", "the private key of --cert (PEM)")
  .option(
    "--max-connections-per-ip <n>",
    `open connections one address may hold (default ${String(DEFAULT_ACCESS_LIMITS.connectionsPerAddress)})`,
    integer(1, 100_000),
  )
  .action(async (options: StartOptions) => {
    const resume = options.resume === undefined ? undefined : resumePoint(options);
    const settings = resume?.settings ?? newRunSettings(options);
    const tls = await tlsOf(options, resume === undefined ? settings.outDir : dirname(resume.runDir));
    const joinToken = options.joinToken ?? resume?.secrets?.joinToken;
    const adminToken = options.adminToken ?? resume?.secrets?.adminToken;
    const config = defaultConfig(settings, {
      port: options.port,
      host: options.host,
      ...(joinToken === undefined ? {} : { joinToken }),
      ...(adminToken === undefined ? {} : { adminToken }),
      ...(resume === undefined ? {} : { resume }),
      ...(tls === undefined ? {} : { tls }),
      ...(options.maxConnectionsPerIp === undefined
        ? {}
        : { accessLimits: { ...DEFAULT_ACCESS_LIMITS, connectionsPerAddress: options.maxConnectionsPerIp } }),
    });
    if (!pagesBuilt(config.webRoot)) {
      process.stderr.write(`warning: pages are not built in ${config.webRoot}; run "npm run build"\n`);
    }
    const log = stderrLogger();
    const running = await startCoordinator(config, log);
    const scheme = tls === undefined ? "http" : "https";
    const urls = coordinatorUrls(config.host, running.port, config.joinToken, config.adminToken, scheme);
    process.stdout.write(await announcement(urls, tls));
    const stop = (signal: string): void => {
      log.info("coordinator.stopping", { signal });
      void running.close().then(() => process.exit(0));
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    process.stdout.write(
      resume === undefined
        ? "  Preparing the run (data shards, held-out set, TSFA's pilot)...\n"
        : "  Preparing the resumed run (data shards and held-out set again; the pilot and rank are kept)...\n",
    );
    running.onEffect((effect) => {
      const text = describeEffect(effect);
      if (text !== undefined) process.stdout.write(`${text}\n`);
    });
    const ready = await running.ready;
    if (!ready.ok) {
      process.stderr.write(`airlora: the run could not be prepared: ${ready.error.reason}\n`);
      return;
    }
    const { run } = ready.value;
    if (resume !== undefined) {
      const from =
        resume.checkpoint === undefined
          ? "no round was complete: starting over"
          : `after round ${resume.checkpoint.round}`;
      const dropped =
        resume.droppedLines === 0 ? "" : ` (${resume.droppedLines} log line(s) of unfinished rounds dropped)`;
      process.stdout.write(`  Resuming ${run.runId} ${from}${dropped}.\n`);
    }
    process.stdout.write(
      `  Run ${run.runId}: ${run.settings.task} on ${run.settings.preset}, ${run.settings.rule} + ${run.settings.scheduler}, ` +
        `${run.settings.rounds} rounds, waiting for ${waitingFor(run.settings)}.\n  Run directory: ${run.directory.path}\n\n`,
    );
  });

function newRunSettings(options: StartOptions): RunSettings {
  const settings = runSettings({
    ...options,
    ...(options.model === undefined ? {} : { preset: options.model }),
    ...(options.out === undefined ? {} : { outDir: options.out }),
    ...(options.queueFloor === undefined ? {} : { queueFloorSec: options.queueFloor }),
    ...(options.lr === undefined ? {} : { learningRate: options.lr }),
  });
  if (!settings.ok) throw new Error(settings.error.reason);
  return settings.value;
}

function resumePoint(options: StartOptions): ResumePoint {
  const extra = Object.entries(options)
    .filter(([name, value]) => value !== undefined && !RESUME_FLAGS.has(name))
    .map(([name]) => `--${name.replace(/[A-Z]/gu, (c) => `-${c.toLowerCase()}`)}`);
  if (extra.length > 0) {
    throw new Error(`--resume keeps the run's own settings; drop ${extra.join(", ")}`);
  }
  const point = loadResumePoint(options.resume ?? "");
  if (!point.ok) throw new Error(point.error.reason);
  if (point.value.finished) {
    throw new Error(
      `${point.value.runId} already logged all its ${point.value.settings.rounds} rounds; nothing to resume`,
    );
  }
  return point.value;
}

async function tlsOf(options: StartOptions, outDir: string): Promise<TlsMaterial | undefined> {
  if ((options.cert === undefined) !== (options.key === undefined)) throw new Error("--cert and --key go together");
  if (options.cert !== undefined && options.key !== undefined) {
    const provided = providedCertificate(options.cert, options.key);
    if (!provided.ok) throw new Error(`--cert/--key: ${provided.error.reason}`);
    return provided.value;
  }
  if (options.https !== true) return undefined;
  const generated = await selfSignedCertificate(join(outDir, "tls"));
  if (!generated.ok) throw new Error(`--https: ${generated.error.reason}`);
  return generated.value;
}

/** The first round a process runs (new or resumed) waits for --start-clients; later ones need --min-clients. */
function waitingFor(settings: { readonly startClients: number; readonly minClients: number }): string {
  return settings.startClients === settings.minClients
    ? `${settings.minClients} participants`
    : `${settings.startClients} participants (then ${settings.minClients} per round; start it sooner from the dashboard)`;
}
