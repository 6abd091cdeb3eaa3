import type { PassState, TrafficProgram, TrafficStep } from '../../load/traffic.js';
import { didYouMean } from '../../config/suggest.js';
import { applyCaptures, parseCapture } from '../capture.js';
import { rowValues, type ScenarioKind } from '../kind.js';
import { renderRequest, templateNames } from '../request.js';
import { rowPicker } from '../sequence.js';

/**
 * `journey`: ordered steps each connection runs in a loop, later steps using what earlier ones
 * captured from their responses. A pass takes one data row at its first step. A step that fails
 * (an unexpected status, a socket error, a capture that finds nothing) ends the pass: its later
 * steps would only send requests with values missing, so the connection starts the next pass.
 */
export const journeyKind: ScenarioKind = {
  key: 'journey',
  description: 'ordered steps run in a loop by every connection, capturing values for later steps',
  itemFields: ['capture'],
  parseItem(raw, at, request, problems) {
    request.weight = 1;
    const spec = raw.capture;
    if (spec === undefined || spec === null) return;
    if (typeof spec !== 'object' || Array.isArray(spec)) {
      problems.push(`${at}.capture: expected a mapping of names to where each value is, e.g. "{ token: $.token, order: header:Location }"`);
      return;
    }
    for (const [name, where] of Object.entries(spec as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
        problems.push(`${at}.capture: ${JSON.stringify(name)} is not a name a template can use; use letters, digits, "_", "-" or "."`);
        continue;
      }
      const c = parseCapture(name, where);
      if (c.ok) request.captures.push(c.capture);
      else problems.push(`${at}.capture.${name}: ${c.message}`);
    }
  },
  check(traffic, at, problems) {
    const columns = traffic.data?.columns ?? [];
    const captured: string[] = [];
    traffic.requests.forEach((r, i) => {
      for (const use of templateNames(r)) {
        if (columns.includes(use.name) || captured.includes(use.name)) continue;
        const later = traffic.requests.findIndex((s, j) => j >= i && s.captures.some((c) => c.name === use.name));
        const known = [...columns, ...captured];
        const hint = didYouMean(use.name, known);
        const why =
          later !== -1
            ? `it is captured by step "${traffic.requests[later]!.name}", which runs ${later === i ? 'after this request is sent' : 'later'}`
            : `it is neither a column of the data file nor captured by an earlier step${known.length ? ` (known: ${known.join(', ')})` : ''}`;
        problems.push(`${at}.journey[${i}].${use.field}: {{${use.name}}} has no value; ${why}${hint ? `; did you mean "${hint}"?` : ''}`);
      }
      captured.push(...r.captures.map((c) => c.name));
    });
  },
  program(traffic, parseStatusSpec): TrafficProgram {
    const rows = rowValues(traffic);
    const steps = traffic.requests;
    return {
      parts: steps.map((r) => ({ name: r.name, isExpectedStatus: parseStatusSpec(r.expectStatus) })),
      unit: 'journey',
      start(): TrafficStep[] {
        const row = rows === null ? null : rowPicker(rows.length, traffic.data!.order, traffic.seed);
        // A pass takes its data row when a step first needs a value: the first step, or the first
        // capture when the first step is fixed.
        const varsOf = (state: PassState) => (state.vars ??= row === null ? {} : { ...rows![row()]! });
        return steps.map((step, i): TrafficStep => ({
          ...(i === 0 && templateNames(step).length === 0 ? { fixed: renderRequest(step, {})! } : {}),
          prepare(state) {
            if (i > 0 && state.broken) return null;
            return renderRequest(step, varsOf(state));
          },
          ...(step.captures.length > 0
            ? {
                onResponse(state, body, headers) {
                  const missing = applyCaptures(step.captures, body, headers, varsOf(state));
                  if (missing !== null) state.failure = missing;
                },
              }
            : {}),
        }));
      },
    };
  },
  summary(traffic) {
    return `a journey of ${traffic.requests.length} steps`;
  },
};
