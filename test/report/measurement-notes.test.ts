import { describe, expect, it } from 'vitest';
import { renderComment, renderTerminal } from '../../src/report/index.js';
import { measurementNotes } from '../../src/report/measurement-notes.js';
import type { Results, TrialResult } from '../../src/results/schema.js';
import { analysis, artifactContext, baselineResults, outsideDetails, results, steadyScenario } from './fixtures.js';

const plain = (text: string) => text;

/** Every trial of `scenario`/`variant` changed by `edit(trial, index)`. */
function editTrials(r: Results, variant: string, edit: (t: TrialResult, i: number) => TrialResult, scenario = 0): Results {
  const scenarios = r.scenarios.map((s, si) =>
    si !== scenario ? s : { ...s, variants: { ...s.variants, [variant]: { trials: s.variants[variant]!.trials.map(edit) } } },
  );
  return { ...r, scenarios };
}

const perRequest = (t: TrialResult): TrialResult => ({ ...t, connectionMode: 'per-request', littlesLaw: { connections: 16, inFlight: 15.98, holds: true } });
const keepAlive = (t: TrialResult): TrialResult => ({ ...t, connectionMode: 'keep-alive', littlesLaw: { connections: 16, inFlight: 15.99, holds: true } });

describe('measurement notes', () => {
  it('say nothing about trials measured the ordinary way, or written before the fields existed', () => {
    expect(measurementNotes(artifactContext(), plain)).toEqual([]);
    const ordinary = artifactContext({ head: editTrials(results(), 'head', keepAlive), baseline: editTrials(baselineResults(), 'head', keepAlive) });
    expect(measurementNotes(ordinary, plain)).toEqual([]);
  });

  it('say once per scenario that a service closes its connections, and when the other side did not', () => {
    const head = editTrials(results({ scenarioNames: ['GET /items', 'GET /health'] }), 'head', perRequest);
    const context = artifactContext({ head, baseline: editTrials(baselineResults(), 'head', keepAlive) });
    expect(measurementNotes(context, plain)).toEqual([
      {
        level: 'info',
        text:
          'GET /items (head): the service closes its connections after every answer (HTTP/1.0 or Connection: close), so ' +
          'perfgate opened a new connection for each request and latency includes connecting. The baseline side kept ' +
          'its connections open: part of the change in latency is the cost of connecting.',
      },
    ]);

    const both = results({ variantNames: ['base', 'head'] });
    const paired = editTrials(editTrials(both, 'base', perRequest), 'head', perRequest);
    const notes = measurementNotes({ head: paired, baseline: null }, plain);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toMatch(/^GET \/items \(base and head\): the service closes its connections/);
    expect(notes[0]!.text).not.toContain('kept its connections');
  });

  it("name the scenario and side of trials that broke Little's law, with the worst figure", () => {
    const head = editTrials(results(), 'head', (t, i) =>
      i === 3 ? { ...t, littlesLaw: { connections: 16, inFlight: 525, holds: false } }
      : i === 6 ? { ...t, littlesLaw: { connections: 16, inFlight: 40.2, holds: false } }
      : keepAlive(t),
    );
    expect(measurementNotes(artifactContext({ head }), (s) => `\`${s}\``)).toEqual([
      {
        level: 'warning',
        text:
          "`GET /items` (head): Little's law broke in 2 of 10 trials: up to 525 requests in flight (mean latency × " +
          'throughput) on 16 connections, where a closed loop keeps exactly 16. Their latency was timed wrong and is left ' +
          'out of the comparison, the budgets and the history.',
      },
    ]);

    // A rate trial may keep fewer in flight; it broke by keeping more, and the baseline is named as such.
    const baseline = editTrials(baselineResults(), 'head', (t) => ({ ...t, targetRate: 500, littlesLaw: { connections: 4, inFlight: 9.5, holds: false } }));
    const [note] = measurementNotes(artifactContext({ baseline }), plain);
    expect(note!.text).toMatch(/^GET \/items \(baseline\): Little's law broke in all 10 trials: up to 9\.5 requests in flight/);
    expect(note!.text).toContain('where a fixed rate keeps at most 4.');
  });

  it('stay a few lines for a suite of many scenarios', () => {
    const names = Array.from({ length: 30 }, (_, i) => `s${i}`);
    let head = results({ scenarioNames: names, trialsPerVariant: 2 });
    for (let i = 0; i < names.length; i++) {
      head = editTrials(head, 'head', (t) => ({ ...perRequest(t), littlesLaw: { connections: 16, inFlight: 400, holds: false } }), i);
    }
    const notes = measurementNotes({ head, baseline: null }, plain);
    expect(notes).toHaveLength(1 + 10 + 1);
    expect(notes[0]!.text).toMatch(/^s0, s1, s2, s3 and 26 more scenarios \(head\): the service closes its connections/);
    expect(notes.slice(1, 11).map((n) => n.text.split(' ')[0])).toEqual(names.slice(0, 10));
    expect(notes[11]).toEqual({
      level: 'warning',
      text: "Little's law also broke in 20 more scenarios or sides; every trial's check is in the results file (littlesLaw).",
    });
  });

  it('appear above the tables of the PR comment and in the terminal report', () => {
    const head = editTrials(results(), 'head', (t, i) => (i === 0 ? { ...perRequest(t), littlesLaw: { connections: 16, inFlight: 0.5, holds: false } } : perRequest(t)));
    const context = artifactContext({ head });
    const a = analysis({ scenarios: [steadyScenario('GET /items')] });

    const comment = outsideDetails(renderComment(a, context));
    expect(comment).toContain('> ℹ️ `GET /items` (head): the service closes its connections after every answer (HTTP/1.0 or `Connection: close`)');
    expect(comment).toContain("> ⚠️ `GET /items` (head): Little's law broke in 1 of 10 trials: up to 0.5 requests in flight");
    expect(comment.indexOf("Little's law")).toBeLessThan(comment.indexOf('| metric'));

    const terminal = renderTerminal(a, context);
    expect(terminal).toContain('i GET /items (head): the service closes its connections after every answer (HTTP/1.0 or Connection: close)');
    expect(terminal).toContain("! GET /items (head): Little's law broke in 1 of 10 trials");
  });
});
