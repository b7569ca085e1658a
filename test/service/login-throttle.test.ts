import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LoginThrottle } from '../../src/service/login-throttle.js';

const T0 = 1_700_000_000_000;

describe('login throttle', () => {
  it('throttles one username guessed from many addresses', () => {
    const throttle = new LoginThrottle({ failuresPerMinute: 3 });

    const waits = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'].map((address) =>
      throttle.begin('Admin', address, T0),
    );

    assert.deepEqual(waits, [0, 0, 0, 20]);
    assert.equal(throttle.begin('admin', '10.0.0.5', T0), 20);
    assert.equal(throttle.begin('someone-else', '10.0.0.5', T0), 0);
  });

  it('throttles one address guessing many usernames', () => {
    const throttle = new LoginThrottle({ failuresPerMinute: 3 });

    const waits = ['a', 'b', 'c', 'd'].map((username) => throttle.begin(username, '10.0.0.9', T0));

    assert.deepEqual(waits, [0, 0, 0, 20]);
    assert.equal(throttle.begin('e', '10.0.0.10', T0), 0);
  });

  it('does not count successful sign-ins', () => {
    const throttle = new LoginThrottle({ failuresPerMinute: 2 });

    for (let i = 0; i < 5; i++) {
      assert.equal(throttle.begin('admin', '10.0.0.1', T0), 0);
      throttle.succeeded('admin', '10.0.0.1');
    }
  });

  it('allows one more try per refill once the window passes', () => {
    const throttle = new LoginThrottle({ failuresPerMinute: 3 });
    for (let i = 0; i < 3; i++) throttle.begin('admin', '10.0.0.1', T0);

    assert.equal(throttle.begin('admin', '10.0.0.1', T0 + 19_000), 1);
    assert.equal(throttle.begin('admin', '10.0.0.1', T0 + 20_000), 0);
    assert.equal(throttle.begin('admin', '10.0.0.1', T0 + 20_000), 20);
  });
});
