/**
 * The one line the CLI prints for an error. Lower layers name options by their field (`microBatch`);
 * here they become the command's flags (`--micro-batch`): an {@link OptionError} is printed as
 * `<flag>: <problem>`, and a field written in backticks in any other message is replaced by its flag.
 */
import type { Command } from 'commander';
import { OptionError } from '../core/validate.js';
import { flagOfField } from './run-flags.js';

/** The message of `error` in the command's terms. */
export function errorLine(error: unknown, command: Command): string {
  if (error instanceof OptionError) {
    const flag = flagOfField(command, error.option.replace(/\[\d+\]$/, ''));
    return `${flag ?? `${error.scope} ${error.option}`}: ${error.problem}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/`([A-Za-z]+)`/g, (_, field: string) => flagOfField(command, field) ?? field);
}
