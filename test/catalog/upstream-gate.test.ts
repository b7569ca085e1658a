import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UpstreamGate, parseRetryAfter } from '../../src/catalog/chocolatey/upstream-gate.js';

function gateAt(clock: { now: number }, random = 0) {
  return new UpstreamGate({
    perMinute: { metadata: 3, download: 1 },
    defaultBackoffMs: 60_000,
    jitter: 0.5,
    now: () => clock.now,
    random: () => random,
  });
}

describe('upstream gate', () => {
  it('lets a burst up to the per-minute limit through, then spaces requests', () => {
    const clock = { now: 1_000_000 };
    const gate = gateAt(clock);

    const burst = [gate.reserve('metadata'), gate.reserve('metadata'), gate.reserve('metadata')];
    const fourth = gate.reserve('metadata');
    clock.now += 20_000;
    const afterRefill = gate.reserve('metadata');

    assert.deepEqual(burst, [0, 0, 0]);
    assert.equal(fourth, 20_000);
    assert.equal(afterRefill, 0);
    assert.equal(gate.reserve('download'), 0);
    assert.equal(gate.reserve('download'), 60_000);
    assert.deepEqual(gate.health().requests, { metadata: 4, download: 1 });
  });

  it('pauses every kind of request after a 429 for Retry-After plus jitter', () => {
    const clock = { now: 1_000_000 };
    const gate = gateAt(clock, 0.5);

    const pause = gate.throttled('120');
    const health = gate.health();

    assert.equal(pause, 150_000);
    assert.equal(gate.reserve('metadata'), 150_000);
    assert.equal(gate.reserve('download'), 150_000);
    assert.equal(health.status, 'backing_off');
    assert.equal(health.pausedUntil, 1_150_000);
    assert.equal(health.throttled, 1);
    assert.equal(health.lastError, 'HTTP 429, retry after 150 s');
    clock.now += 150_000;
    assert.equal(gate.reserve('metadata'), 0);
    gate.succeeded();
    assert.equal(gate.health().status, 'ok');
  });

  it('reads Retry-After as seconds or as an HTTP date, and defaults when absent', () => {
    const now = Date.parse('2026-12-04T08:00:00Z');

    assert.equal(parseRetryAfter('30', now), 30_000);
    assert.equal(parseRetryAfter('Fri, 04 Dec 2026 09:00:00 GMT', now), 3_600_000);
    assert.equal(parseRetryAfter('soon', now), null);
    assert.equal(parseRetryAfter(null, now), null);
    assert.equal(gateAt({ now }).throttled(null), 60_000);
  });

  it('reports failing after an error until a request succeeds again', () => {
    const clock = { now: 5 };
    const gate = gateAt(clock);

    gate.failed('HTTP 503');
    const failing = gate.health().status;
    clock.now += 1;
    gate.succeeded();

    assert.equal(failing, 'failing');
    assert.equal(gate.health().status, 'ok');
  });
});
