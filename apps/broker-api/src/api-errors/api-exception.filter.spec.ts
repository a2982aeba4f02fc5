import { ArgumentsHost } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter';

/** What the filter answers for errors no route handles itself: the last layer before the vendor. */
function answerTo(exception: unknown) {
  const answer = { status: 0, headers: {} as Record<string, string>, body: undefined as unknown };
  const response = {
    status: (status: number) => ((answer.status = status), response),
    json: (body: unknown) => ((answer.body = body), response),
    setHeader: (name: string, value: string) => (answer.headers[name] = value),
  };
  const request = { method: 'GET', socket: { destroyed: false, writable: true, readableEnded: false } };
  const host = {
    switchToHttp: () => ({ getResponse: () => response, getRequest: () => request }),
    getType: () => 'http',
    getArgs: () => [request, response],
  } as unknown as ArgumentsHost;
  new ApiExceptionFilter().catch(exception, host);
  return answer;
}

describe('the answer to an error nobody expected', () => {
  it('is 500 INTERNAL_ERROR without any of the error’s own text', () => {
    const answer = answerTo(new TypeError('cannot read bsn 269326728 of undefined'));
    expect([answer.status, (answer.body as { error: string }).error]).toEqual([500, 'INTERNAL_ERROR']);
    expect(JSON.stringify(answer.body)).not.toContain('269326728');
    expect(answer.headers['Retry-After']).toBeUndefined();
  });

  it('is 503 DATABASE_UNAVAILABLE with a Retry-After when the database is out of reach', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const answer = answerTo(refused);
    expect([answer.status, (answer.body as { error: string }).error]).toEqual([503, 'DATABASE_UNAVAILABLE']);
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
  });

  it('is 503 DATABASE_BUSY with a Retry-After when no database connection was free in time', () => {
    // node-postgres's pool gives up with a plain Error of its own text and no code.
    const answer = answerTo(new Error('timeout exceeded when trying to connect'));
    expect([answer.status, (answer.body as { error: string }).error]).toEqual([503, 'DATABASE_BUSY']);
    expect(Number(answer.headers['Retry-After'])).toBeGreaterThan(0);
  });
});
