import type { ArgumentsHost } from '@nestjs/common';
import type { Request } from 'express';
import { componentOf, failInMiddleware, safeCause } from './safe-cause';

describe('safeCause', () => {
  it('names the class and a code, never the message', () => {
    const database = Object.assign(new Error('duplicate key value (bsn)=(269326728)'), { code: '23505' });
    expect(safeCause(database)).toBe('Error (code 23505)');
    const wrapped = new TypeError('pupil 269326728 not found', { cause: database });
    expect(safeCause(wrapped)).toBe('TypeError, caused by Error (code 23505)');
    expect(safeCause(wrapped)).not.toContain('269326728');
  });

  it('leaves out a code that is not a plain code', () => {
    const odd = Object.assign(new RangeError('x'), { code: 'value 269326728 with spaces' });
    expect(safeCause(odd)).toBe('RangeError');
    expect(safeCause('a string')).toBe('string');
  });
});

describe('componentOf', () => {
  const hostOf = (request: Partial<Request>) =>
    ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ArgumentsHost;

  it('names the middleware an unexpected error came from, which runs before any route', () => {
    const request: Partial<Request> = { method: 'POST' };
    const passed: unknown[] = [];
    const error = new Error('pool');
    failInMiddleware(request as Request, 'ClientAuthentication', (e) => passed.push(e), error);
    expect(passed).toEqual([error]);
    expect(componentOf(hostOf(request))).toBe('ClientAuthentication middleware (POST)');
  });

  it('says there was no route when nothing else is known', () => {
    expect(componentOf(hostOf({ method: 'GET' }))).toBe('GET (no route)');
  });
});
