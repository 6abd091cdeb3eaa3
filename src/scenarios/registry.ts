import { journeyKind } from './journey/index.js';
import type { ScenarioKind } from './kind.js';
import { mixKind } from './mix/index.js';
import type { Traffic } from './types.js';

/** Every scenario kind beyond the single request, by the scenario field that selects it. */
export const SCENARIO_KINDS: Record<string, ScenarioKind> = {
  mix: mixKind,
  journey: journeyKind,
};

export function scenarioKind(traffic: Traffic): ScenarioKind {
  const kind = SCENARIO_KINDS[traffic.kind];
  if (!kind) throw new Error(`no scenario kind is named "${traffic.kind}"; the kinds are ${Object.keys(SCENARIO_KINDS).join(', ')}`);
  return kind;
}
