import { ConfigError } from './config-error';
import { readConfig, setting } from './read-config';

describe('readConfig', () => {
  const shape = {
    BROKER_PORT: setting.port(8443),
    DATABASE_URL: setting.url(['postgres:'], 'postgres://localhost/db'),
    MODE: setting.oneOf(['a', 'b'], 'a'),
  };

  it('uses the defaults on a machine with nothing set', () => {
    expect(readConfig(shape, {})).toEqual({
      BROKER_PORT: 8443,
      DATABASE_URL: 'postgres://localhost/db',
      MODE: 'a',
    });
  });

  it('treats an empty value as unset', () => {
    expect(readConfig(shape, { BROKER_PORT: '' }).BROKER_PORT).toBe(8443);
  });

  it('converts valid values', () => {
    expect(readConfig(shape, { BROKER_PORT: '9000', MODE: 'b' })).toMatchObject({
      BROKER_PORT: 9000,
      MODE: 'b',
    });
  });

  it.each([
    [{ BROKER_PORT: 'abc' }, 'BROKER_PORT', /TCP port number.*got "abc"/],
    [{ BROKER_PORT: '70000' }, 'BROKER_PORT', /between 0 and 65535.*got "70000"/],
    [{ BROKER_PORT: '1.5' }, 'BROKER_PORT', /whole number/],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL', /must be a URL starting with postgres:\/\//],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL', /must be a URL/],
    [{ MODE: 'c' }, 'MODE', /must be one of a, b/],
    [{ DATABASE_URL: 'mysql://broker:s3cret@db/x' }, 'DATABASE_URL', /got "mysql:\/\/broker:\*\*\*@db\/x"/],
    [
      { DATABASE_URL: 'postgres://broker:s3cret@db:port' },
      'DATABASE_URL',
      /got "postgres:\/\/broker:\*\*\*@db:port"/,
    ],
  ])('refuses %j with one line naming %s', (env, variable, problem) => {
    let error: unknown;
    try {
      readConfig(shape, env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.variable).toBe(variable);
    expect(configError.message).toMatch(new RegExp(`^Configuration error: ${variable} `));
    expect(configError.message).toMatch(problem);
    expect(configError.message).not.toContain('\n');
    expect(configError.message).not.toContain('s3cret');
  });
});
