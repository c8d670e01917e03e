// SPDX-License-Identifier: Apache-2.0
// What each component of the stack is: its binary, arguments, environment, ports, health check and the
// preparation it needs before it starts (rsyslog's rendered config, the collector's state directories).

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { ensureOtlpToken } from "./auth.mjs";
import { findRsyslogd } from "./build.mjs";
import { kafkaAnswers } from "./kafka-probe.mjs";
import { BINARIES, FILES, HOST, PORTS, SCALE_COLLECTORS, endpoints } from "./layout.mjs";
import { httpOk, tcpOpen } from "./processes.mjs";
import { StackError, findJava, mkdirs } from "./util.mjs";

/**
 * The start specification of component `name` for the state paths `p`; `opts.collectorConfig` /
 * `opts.jaegerConfig` / `opts.agentConfig` replace the default config files (a gateway runs
 * `collectorConfig` with scale/gateway.yaml over it); `opts.collectorTls` ({ certFile, keyFile }) makes the
 * collector (in the scale profile: the agents) serve OTLP/HTTP over TLS.
 */
export function componentSpec(name, p, opts) {
  const e = endpoints();
  switch (name) {
    case "rsyslog":
      return {
        name,
        exe: findRsyslogd(),
        exeHint: "rsyslogd",
        ports: [PORTS.syslog],
        args: ["-n", "-f", p.rsyslogConfig, "-i", p.rsyslogOwnPidFile],
        env: {},
        prepare() {
          mkdirs(path.join(p.rsyslogDir, "work"), p.siemDir);
          const text = fs
            .readFileSync(FILES.rsyslogConfigTemplate, "utf8")
            .replaceAll("@STACK_DIR@", p.stackDir)
            .replaceAll("@SYSLOG_ADDRESS@", HOST)
            .replaceAll("@SYSLOG_PORT@", String(PORTS.syslog));
          fs.writeFileSync(p.rsyslogConfig, text);
          fs.rmSync(p.rsyslogOwnPidFile, { force: true });
          const check = spawnSync(this.exe, ["-N1", "-f", p.rsyslogConfig], { encoding: "utf8" });
          if (check.status !== 0) {
            throw new StackError(`rsyslog rejects ${p.rsyslogConfig}:\n${check.stdout}${check.stderr}`);
          }
        },
        health: () => tcpOpen(HOST, PORTS.syslog),
        describe: `syslog ${e.syslog} (RFC 5424) → ${p.siemFile}`,
        missing: "rsyslogd not found: run `pnpm stack:build` (installs it with apt-get as root) or `apt-get install rsyslog`",
      };
    case "jaeger":
      return {
        name,
        exe: BINARIES.jaeger,
        exeHint: "jaeger",
        ports: [PORTS.jaegerOtlpHttp, PORTS.jaegerQueryHttp, PORTS.jaegerQueryGrpc],
        args: [`--config=file:${opts.jaegerConfig ?? FILES.jaegerConfig}`],
        env: {
          JAEGER_LISTEN_HOST: HOST,
          // Jaeger 2.0.0-rc2 (the module build before 2.12.0) set up an OTLP/gRPC self-tracing exporter
          // to localhost:4317 whatever enable_tracing said; with no sampled spans nothing is sent or dialled.
          OTEL_TRACES_SAMPLER: "always_off",
        },
        prepare() {},
        health: () => httpOk(e.jaegerServices),
        describe: `query ${e.jaegerQuery} (API: /api/services, /api/traces/<trace id>), OTLP/HTTP in ${e.jaegerOtlpHttp}`,
        missing: `${BINARIES.jaeger} not found: run \`pnpm stack:build\``,
      };
    case "collector":
      return collectorSpec(name, p, {
        args: [`--config=file:${opts.collectorConfig ?? FILES.collectorConfig}`, ...tlsArgs(opts)],
        tls: opts.collectorTls,
        otlpHttp: PORTS.otlpHttp,
        health: PORTS.collectorHealth,
        metrics: PORTS.collectorMetrics,
        env: {},
        prepare: () => mkdirs(p.auditDir, path.join(p.storageDir, "otelcol")),
      });
    case "agent-1":
    case "agent-2": {
      const ports = SCALE_COLLECTORS[name];
      return collectorSpec(name, p, {
        args: [`--config=file:${opts.agentConfig ?? FILES.agentConfig}`, ...tlsArgs(opts)],
        tls: opts.collectorTls,
        ...ports,
        env: { OTELCOL_NAME: name, KAFKA_BROKERS: e.kafka },
        prepare: () => mkdirs(path.join(p.storageDir, name)),
        describe: `→ Kafka ${e.kafka}`,
      });
    }
    case "gateway-1":
    case "gateway-2": {
      const ports = SCALE_COLLECTORS[name];
      return collectorSpec(name, p, {
        // The single collector's pipelines with the Kafka receiver in place of OTLP (scale/gateway.yaml).
        args: [`--config=file:${opts.collectorConfig ?? FILES.collectorConfig}`, `--config=file:${FILES.gatewayOverlay}`],
        ...ports,
        env: { OTELCOL_NAME: name, KAFKA_BROKERS: e.kafka },
        prepare: () => mkdirs(p.auditDir, path.join(p.storageDir, name)),
        describe: `Kafka ${e.kafka} → ${path.join(p.auditDir, `{traces,logs}-${name}.jsonl`)}, Jaeger, SIEM`,
      });
    }
    case "kafka":
      return kafkaSpec(p);
    default:
      throw new StackError(`unknown component "${name}"`);
  }
}

/**
 * A collector process (the single collector, an agent or a gateway): the one binary with `args`, listening for
 * OTLP/HTTP on `otlpHttp` (when its config has the receiver in a pipeline), health on `health`, its own metrics on
 * `metrics`, and the addresses of Jaeger and the SIEM.
 */
function collectorSpec(name, p, { args, tls, otlpHttp, health, metrics, env, prepare, describe }) {
  const healthUrl = `http://${HOST}:${health}/`;
  return {
    name,
    exe: BINARIES.collector,
    exeHint: "otelcol-langchain",
    ports: [otlpHttp, health, metrics].filter((port) => port !== undefined),
    args,
    env: {
      STACK_DIR: p.stackDir,
      // The OTLP receiver's bearer token (otelcol.yaml, scale/agent.yaml). A gateway loads the extension too, with
      // the single collector's config, though its OTLP receiver is in no pipeline.
      OTELCOL_BEARER_TOKEN_FILE: p.otlpTokenFile,
      ...(tls === undefined ? {} : { OTELCOL_TLS_CERT_FILE: tls.certFile, OTELCOL_TLS_KEY_FILE: tls.keyFile }),
      // A gateway's config still defines the OTLP receiver (unused there); an address of its own keeps it apart.
      OTELCOL_OTLP_HTTP_ENDPOINT: `${HOST}:${otlpHttp ?? 0}`,
      OTELCOL_HEALTH_ENDPOINT: `${HOST}:${health}`,
      OTELCOL_METRICS_HOST: HOST,
      OTELCOL_METRICS_PORT: String(metrics),
      JAEGER_OTLP_ENDPOINT: `http://${HOST}:${PORTS.jaegerOtlpHttp}`,
      SIEM_SYSLOG_HOST: HOST,
      SIEM_SYSLOG_PORT: String(PORTS.syslog),
      ...env,
    },
    prepare() {
      prepare();
      ensureOtlpToken(p);
    },
    health: () => httpOk(healthUrl),
    describe:
      (otlpHttp === undefined ? "" : `OTLP/HTTP ${tls === undefined ? "http" : "https"}://${HOST}:${otlpHttp} (/v1/traces, /v1/logs${name === "collector" ? ", /v1/metrics" : ""}), `) +
      `health ${healthUrl}, metrics http://${HOST}:${metrics}/metrics${describe ? ` ${describe}` : ""}`,
    missing: `${BINARIES.collector} not found: run \`pnpm stack:build\``,
  };
}

/** otelcol-tls.yaml merged over the config when `opts.collectorTls` asks for TLS on the OTLP receiver. */
function tlsArgs(opts) {
  return opts.collectorTls === undefined ? [] : [`--config=file:${FILES.collectorTlsConfig}`];
}

/** The Kafka broker (KRaft, broker and controller in one JVM) on the jars `stack:build --profile scale` fetched. */
function kafkaSpec(p) {
  const java = findJava();
  return {
    name: "kafka",
    exe: java,
    exeHint: "kafka.Kafka",
    ports: [PORTS.kafka, PORTS.kafkaController],
    args: [
      "-Xms256m",
      "-Xmx1g",
      "-XX:+UseG1GC",
      "-Djava.awt.headless=true",
      `-Dlog4j2.configurationFile=${FILES.kafkaLog4j}`,
      "-cp",
      `${BINARIES.kafkaLibs}${path.sep}*`,
      "kafka.Kafka",
      p.kafkaConfig,
    ],
    env: {},
    prepare() {
      if (!fs.existsSync(BINARIES.kafkaLibs)) throw new StackError(`${BINARIES.kafkaLibs} not found: run \`pnpm stack:build --profile scale\``);
      mkdirs(p.kafkaDataDir);
      const text = fs
        .readFileSync(FILES.kafkaConfigTemplate, "utf8")
        .replaceAll("@STACK_DIR@", p.stackDir)
        .replaceAll("@HOST@", HOST)
        .replaceAll("@KAFKA_PORT@", String(PORTS.kafka))
        .replaceAll("@CONTROLLER_PORT@", String(PORTS.kafkaController));
      fs.writeFileSync(p.kafkaConfig, text);
      if (!fs.existsSync(path.join(p.kafkaDataDir, "meta.properties"))) formatKafkaStorage(java, p);
    },
    health: () => kafkaAnswers(HOST, PORTS.kafka),
    describe: `broker ${HOST}:${PORTS.kafka} (KRaft controller ${HOST}:${PORTS.kafkaController}), data ${p.kafkaDataDir}`,
    missing: "java not found: the Kafka broker runs on Java 17+ (Debian: apt-get install -y openjdk-17-jre-headless)",
  };
}

/** A new KRaft cluster in the state directory: `kafka-storage format` with a random cluster id. */
function formatKafkaStorage(java, p) {
  let clusterId;
  // Kafka's own generator avoids ids that start with "-" (a command line would read them as an option).
  do clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-"));
  const res = spawnSync(
    java,
    [`-Dlog4j2.configurationFile=${FILES.kafkaLog4j}`, "-cp", `${BINARIES.kafkaLibs}${path.sep}*`, "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", p.kafkaConfig],
    { encoding: "utf8", timeout: 120_000 },
  );
  if (res.status !== 0) {
    throw new StackError(`kafka-storage format failed (${res.error?.message ?? `exit ${res.status}`}):\n${tailLines(`${res.stdout}${res.stderr}`, 30)}`);
  }
}

function tailLines(text, n) {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
