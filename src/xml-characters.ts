/**
 * The character a numeric reference (`&#65;`, `&#x41;`) stands for, or undefined when the
 * number is not a character XML allows (outside Unicode, a surrogate, a control character):
 * such a reference makes the document malformed, and String.fromCodePoint would throw on some.
 */
export function referencedCharacter(digits: string, radix: 10 | 16): string | undefined {
  if (!(radix === 16 ? /^[0-9a-fA-F]{1,6}$/ : /^[0-9]{1,7}$/).test(digits)) return undefined;
  const code = parseInt(digits, radix);
  const allowed =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return allowed ? String.fromCodePoint(code) : undefined;
}
