// SPDX-License-Identifier: Apache-2.0
// What each component of the stack is: its binary, arguments, environment, ports, health check and the
// preparation it needs before it starts (rsyslog's rendered config, the collector's state directories).

import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { ensureOtlpToken } from "./auth.mjs";
import { findRsyslogd } from "./build.mjs";
import { BINARIES, FILES, HOST, PORTS, endpoints } from "./layout.mjs";
import { httpOk, tcpOpen } from "./processes.mjs";
import { StackError, mkdirs } from "./util.mjs";

/**
 * The start specification of component `name` for the state paths `p`; `opts.collectorConfig` /
 * `opts.jaegerConfig` replace the default config files; `opts.collectorTls` ({ certFile, keyFile }) makes the
 * collector serve OTLP/HTTP over TLS.
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
          // Jaeger 2.0.0-rc2's query extension always sets up an OTLP/gRPC self-tracing exporter
          // (to localhost:4317) and ignores enable_tracing; with no sampled spans it sends nothing,
          // dials nothing and shuts down promptly.
          OTEL_TRACES_SAMPLER: "always_off",
        },
        prepare() {},
        health: () => httpOk(e.jaegerServices),
        describe: `query ${e.jaegerQuery} (API: /api/services, /api/traces/<trace id>), OTLP/HTTP in ${e.jaegerOtlpHttp}`,
        missing: `${BINARIES.jaeger} not found: run \`pnpm stack:build\``,
      };
    case "collector":
      return {
        name,
        exe: BINARIES.collector,
        exeHint: "otelcol-langchain",
        ports: [PORTS.otlpHttp, PORTS.collectorHealth, PORTS.collectorMetrics],
        args: [
          `--config=file:${opts.collectorConfig ?? FILES.collectorConfig}`,
          ...(opts.collectorTls === undefined ? [] : [`--config=file:${FILES.collectorTlsConfig}`]),
        ],
        env: {
          STACK_DIR: p.stackDir,
          OTELCOL_BEARER_TOKEN_FILE: p.otlpTokenFile,
          ...(opts.collectorTls === undefined ? {} : { OTELCOL_TLS_CERT_FILE: opts.collectorTls.certFile, OTELCOL_TLS_KEY_FILE: opts.collectorTls.keyFile }),
          OTELCOL_OTLP_HTTP_ENDPOINT: `${HOST}:${PORTS.otlpHttp}`,
          OTELCOL_HEALTH_ENDPOINT: `${HOST}:${PORTS.collectorHealth}`,
          OTELCOL_METRICS_HOST: HOST,
          OTELCOL_METRICS_PORT: String(PORTS.collectorMetrics),
          JAEGER_OTLP_ENDPOINT: `http://${HOST}:${PORTS.jaegerOtlpHttp}`,
          SIEM_SYSLOG_HOST: HOST,
          SIEM_SYSLOG_PORT: String(PORTS.syslog),
        },
        prepare() {
          mkdirs(p.auditDir, path.join(p.storageDir, "otelcol"));
          ensureOtlpToken(p);
        },
        health: () => httpOk(e.collectorHealth),
        describe: `OTLP/HTTP ${e.otlpHttp} (/v1/traces, /v1/logs, /v1/metrics), health ${e.collectorHealth}, metrics ${e.collectorMetrics}`,
        missing: `${BINARIES.collector} not found: run \`pnpm stack:build\``,
      };
    default:
      throw new StackError(`unknown component "${name}"`);
  }
}
