// The coordinator's one logger: one structured line per event on stderr, so stdout stays for people and tools.
export type LogFields = Readonly<Record<string, string | number | boolean | null | undefined>>;

export interface Logger {
  info(event: string, fields?: LogFields): void;
  warn(event: string, fields?: LogFields): void;
}

export function stderrLogger(): Logger {
  const write = (level: string, event: string, fields: LogFields = {}): void => {
    const parts = Object.entries(fields)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
    process.stderr.write(`${new Date().toISOString()} ${level} ${event} ${parts.join(" ")}\n`);
  };
  return {
    info: (event, fields) => {
      write("info", event, fields);
    },
    warn: (event, fields) => {
      write("warn", event, fields);
    },
  };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };
