import { describe, expect, it } from 'vitest';
import { CallProfileError, deadlineLabel, loadCallProfile, parseCallProfile, severityOf } from '#core/call-profile.ts';
import wsis2025 from '../../functions/core/calls/wsis-2025.json' with { type: 'json' };

describe('call profiles', () => {
  it('ships wsis-2025 from the seed call: 200 words, due end of 30 September 2025 Anywhere on Earth', () => {
    const profile = loadCallProfile('wsis-2025');
    expect(profile.wordLimit).toBe(200);
    expect(profile.recipient).toBe('reports@intake.localhost');
    // End of day at UTC-12 is noon UTC the next day.
    expect(profile.deadline.toISOString()).toBe('2025-10-01T11:59:59.999Z');
    expect(severityOf(profile, 'no_link')).toBe('error');
    expect(severityOf(profile, 'late')).toBe('warning');
    expect(deadlineLabel(profile, 'fr')).toContain('30 septembre 2025');
    expect(deadlineLabel(profile, 'de')).toBe(deadlineLabel(profile, 'en'));
  });

  it('takes another recipient address from the deployment', () => {
    expect(loadCallProfile('wsis-2025', { recipient: 'wsis@reports.example.org' }).recipient).toBe('wsis@reports.example.org');
  });

  it('names every offending field of an invalid profile', () => {
    const broken = { ...wsis2025, wordLimit: -5, deadline: '30/09/2025', errors: ['too_long', 'no_such_code'] };
    expect(() => parseCallProfile(broken)).toThrow(CallProfileError);
    for (const field of ['wordLimit:', 'deadline:', 'errors.1:']) expect(() => parseCallProfile(broken)).toThrow(field);
  });

  it('refuses a code that is both an error and a warning, and a language without a deadline label', () => {
    expect(() => parseCallProfile({ ...wsis2025, warnings: [...wsis2025.warnings, 'no_link'] })).toThrow(/both an error and a warning/);
    expect(() => parseCallProfile({ ...wsis2025, acknowledgmentLanguages: ['en', 'fr', 'es', 'vi', 'ar'] })).toThrow(/deadlineLabel/);
  });

  it('says which calls exist when asked for an unknown one', () => {
    expect(() => loadCallProfile('wsis-2031')).toThrow(/Unknown call "wsis-2031". Known calls: wsis-2025/);
  });
});
