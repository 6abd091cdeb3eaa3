import * as f from '../../config/fields.js';
import type { TrafficProgram, TrafficStep } from '../../load/traffic.js';
import { rowValues, type ScenarioKind } from '../kind.js';
import { renderRequest, templateNames } from '../request.js';
import { rowPicker, weightedPicker } from '../sequence.js';

/**
 * `mix`: requests drawn in proportion to their weights, from a seeded stream that every trial
 * starts afresh, so base and head get the same sequence (in the order their connections ask).
 * A scenario with a `data` file and no list is a mix of its one request.
 */
export const mixKind: ScenarioKind = {
  key: 'mix',
  description: 'requests drawn at random in proportion to their weights, the same seeded sequence every trial',
  itemFields: ['weight'],
  parseItem(raw, at, request, problems) {
    if (raw.weight === undefined || raw.weight === null) {
      request.weight = 1;
      return;
    }
    const w = f.positiveNumber(raw.weight, 'shares');
    if (w.ok) request.weight = w.value;
    else problems.push(`${at}.weight: ${w.message.replace('write e.g. 100', 'write e.g. 70 for 70 of every 100 requests when the weights add up to 100')}`);
  },
  check(traffic, at, problems) {
    const columns = traffic.data?.columns ?? [];
    traffic.requests.forEach((r, i) => {
      for (const use of templateNames(r)) {
        if (columns.includes(use.name)) continue;
        problems.push(`${at}.mix[${i}].${use.field}: {{${use.name}}} has no value; ${noSource(use.name, columns)}`);
      }
    });
  },
  program(traffic, parseStatusSpec): TrafficProgram {
    const rows = rowValues(traffic);
    const requests = traffic.requests;
    return {
      parts: requests.map((r) => ({ name: r.name, isExpectedStatus: parseStatusSpec(r.expectStatus) })),
      unit: null,
      start(): TrafficStep[] {
        const pick = weightedPicker(requests.map((r) => r.weight), traffic.seed);
        const row = rows === null ? null : rowPicker(rows.length, traffic.data!.order, traffic.seed);
        const none = {};
        return [
          {
            prepare(state) {
              const i = pick();
              state.part = i;
              return renderRequest(requests[i]!, row === null ? none : rows![row()]!);
            },
          },
        ];
      },
    };
  },
  summary(traffic) {
    return traffic.requests.length === 1 ? `one request, ${traffic.data!.rows.length} data rows` : `a mix of ${traffic.requests.length} requests`;
  },
};

function noSource(name: string, columns: readonly string[]): string {
  return columns.length === 0
    ? `add a "data" file with a "${name}" column`
    : `the data file's columns are ${columns.map((c) => `"${c}"`).join(', ')}`;
}
