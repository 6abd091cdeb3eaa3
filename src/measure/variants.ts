import { resolve } from 'node:path';
import type { Config, Scenario, VariantOverride } from '../config/config.js';
import type { ServiceSpec } from '../service/index.js';
import type { VariantTarget } from './measure.js';

export interface VariantPlace {
  /** Directory the variant's code is in: the workspace for the head, a worktree for a base commit. */
  root: string;
  commit: string | null;
  /** Port for this variant's service; null leaves the configured one. */
  port: number | null;
}

/** The port the head listens on: configured, or taken from the first scenario URL. */
export function headPort(config: Config): number | null {
  if (config.variants.head.port) return config.variants.head.port;
  if (config.service?.port) return config.service.port;
  const first = config.scenarios[0]?.url;
  if (!first) return null;
  const u = new URL(first);
  return Number(u.port || (u.protocol === 'https:' ? 443 : 80));
}

function movePort(url: string, from: number | null, to: number | null): string {
  if (to === null || from === null || from === to) return url;
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  if (port !== from) return url;
  u.port = String(to);
  return u.toString();
}

/**
 * One variant's service and URLs. A variant on another port gets PORT and `{port}` in its command
 * set to that port, and every URL (scenarios, readiness) that pointed at the head's port is moved.
 */
export function variantTarget(config: Config, name: 'head' | 'base', place: VariantPlace, logDir: string): VariantTarget {
  const svc = config.service;
  const over: VariantOverride = config.variants[name];
  const start = over.start ?? svc?.start;
  const fromPort = headPort(config);
  const port = over.port ?? place.port ?? (name === 'head' ? fromPort : null);
  const service: ServiceSpec | null =
    start && svc
      ? {
          name,
          description: place.commit ? `${name} (commit ${place.commit.slice(0, 7)})` : undefined,
          command: port !== null ? start.replaceAll('{port}', String(port)) : start,
          cwd: resolve(place.root, over.cwd ?? svc.cwd),
          env: { ...svc.env, ...over.env },
          port,
          ready: {
            ...svc.ready,
            url: svc.ready.url ? movePort(svc.ready.url, fromPort, port) : undefined,
            tcpPort: svc.ready.tcpPort !== undefined ? (svc.ready.tcpPort === fromPort && port !== null ? port : svc.ready.tcpPort) : undefined,
          },
          logFile: resolve(logDir, `${config.suite}-${name}.log`),
        }
      : null;
  return {
    name,
    commit: place.commit,
    service,
    urlFor: (scenario: Scenario) => movePort(scenario.url, fromPort, port),
  };
}
