import { InvalidArgumentError } from 'commander';

/**
 * Parsers for command-line option values. Each refuses a value it cannot use with commander's
 * InvalidArgumentError, which names the option and exits non-zero before anything runs.
 */

export function portNumber(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) {
    throw new InvalidArgumentError(`${value} is not a port number (0 to 65535).`);
  }
  return port;
}

export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || number < 1 || !Number.isSafeInteger(number)) {
    throw new InvalidArgumentError(`${value} is not a positive whole number.`);
  }
  return number;
}

export function nonNegativeNumber(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new InvalidArgumentError(`${value} is not a number of 0 or more.`);
  }
  return number;
}

/** A share of a whole, such as the part of a fleet that is iPhones. */
export function share(value: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0 || number > 1) {
    throw new InvalidArgumentError(`${value} is not a share from 0 to 1.`);
  }
  return number;
}
