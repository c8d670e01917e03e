// SPDX-License-Identifier: Apache-2.0
import os from "node:os";

/** One reading of the 1, 5 and 15 minute load averages, rounded. */
export function loadavg() {
  return os.loadavg().map((v) => Math.round(v * 100) / 100);
}

/** What the numbers were measured on. */
export function describeMachine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model?.trim() ?? "unknown",
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/** Samples the 1-minute load average every `everyMillis` until stopped; returns the readings. */
export function sampleLoad(everyMillis = 5000) {
  const readings = [os.loadavg()[0]];
  const timer = setInterval(() => readings.push(os.loadavg()[0]), everyMillis);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      readings.push(os.loadavg()[0]);
      return readings;
    },
  };
}
