import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values are secrets or personal data. They are censored wherever they appear in a log object, at
 * every level: at debug a value is still useful as a shape ("[redacted]" tells it was present), and a
 * customer's email in a log file is a leak that outlives any debugging session.
 */
const sensitiveKeys = [
  'accessToken', 'access_token', 'refreshToken', 'refresh_token', 'clientSecret', 'client_secret', 'password',
  'authorization', 'Authorization', 'cookie', 'token', 'secret',
  'email', 'Email', 'phone', 'Phone', 'MobilePhone', 'mobilephone', 'firstname', 'lastname', 'FirstName', 'LastName',
];

const redactPaths = sensitiveKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers.${key.toLowerCase()}`, `req.headers.${key.toLowerCase()}`]);

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      redact: { paths: [...new Set(redactPaths)], censor: '[redacted]' },
      base: { service: 'crmsync' },
    },
    options.destination,
  );
}
