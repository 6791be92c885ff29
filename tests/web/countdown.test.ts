import { describe, expect, it } from 'vitest';
import { fractionLeft, localExpiry, refreshDelayMs, secondsLeft, toEpochMs } from '../../web/src/modules/households/countdown';

describe('pass countdown', () => {
  it('counts whole seconds up, never below zero', () => {
    expect(secondsLeft(60_000, 0)).toBe(60);
    expect(secondsLeft(60_000, 59_001)).toBe(1);
    expect(secondsLeft(60_000, 60_000)).toBe(0);
    expect(secondsLeft(60_000, 90_000)).toBe(0);
  });

  it('refreshes ahead of expiry so a fresh code is on screen before the old one stops working', () => {
    expect(refreshDelayMs(60_000, 0)).toBe(50_000);
    expect(refreshDelayMs(60_000, 0, 15_000)).toBe(45_000);
    // Already close to (or past) expiry: soon, but never a tight loop.
    expect(refreshDelayMs(60_000, 55_000)).toBe(2_000);
    expect(refreshDelayMs(60_000, 120_000)).toBe(2_000);
  });

  it('reports the share of lifetime left for the progress bar', () => {
    expect(fractionLeft(60_000, 0, 60_000)).toBe(1);
    expect(fractionLeft(60_000, 30_000, 60_000)).toBe(0.5);
    expect(fractionLeft(60_000, 70_000, 60_000)).toBe(0);
    expect(fractionLeft(60_000, 0, 0)).toBe(0);
  });

  it('measures expiry on the phone clock from the TTL, so a phone whose clock is wrong still counts right', () => {
    const phoneNow = 1_000_000;
    const serverExpiry = 5_000_000_000; // far off from the phone's idea of now
    expect(localExpiry(phoneNow, 60, serverExpiry)).toBe(phoneNow + 60_000);
    expect(localExpiry(phoneNow, undefined, 2_060_000, 2_000_000)).toBe(phoneNow + 60_000);
    expect(localExpiry(phoneNow, undefined, serverExpiry)).toBe(serverExpiry);
  });

  it('accepts epoch milliseconds or ISO strings', () => {
    expect(toEpochMs(1234)).toBe(1234);
    expect(toEpochMs('1970-01-01T00:00:01.000Z')).toBe(1000);
    expect(toEpochMs('not a date')).toBe(0);
  });
});
