/**
 * A setting that is missing or wrong. Its message is one line that names the variable and what is wrong,
 * so an operator can fix it without reading a stack trace.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`Configuration error: ${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}
