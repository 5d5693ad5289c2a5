/**
 * A small arithmetic reader for quiz answers and for the `exact` expressions quiz authors write:
 * numbers (1.5, 2e-3, 1.6 × 10^6), + − × · * / ^ **, parentheses, pi, e, and the functions below.
 * Pure: no DOM, no eval. Throws ArithmeticError with a sentence a learner can act on.
 */

export class ArithmeticError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArithmeticError';
  }
}

const FUNCTIONS: Record<string, (x: number) => number> = {
  sqrt: Math.sqrt,
  ln: Math.log,
  log10: Math.log10,
  log2: Math.log2,
  exp: Math.exp,
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  round: Math.round,
};
const CONSTANTS: Record<string, number> = { pi: Math.PI, π: Math.PI, e: Math.E };

type Token = { kind: 'number'; value: number } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  // Typographic forms a learner may paste: minus sign, multiplication signs, thin spaces.
  const source = text.replace(/[−–]/g, '-').replace(/[×·⋅]/g, '*').replace(/\*\*/g, '^');
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = rest.match(/^\s+/);
    if (space) {
      i += space[0].length;
      continue;
    }
    const number = rest.match(/^(\d+\.?\d*|\.\d+)(e[+-]?\d+)?/i);
    if (number) {
      tokens.push({ kind: 'number', value: Number(number[0]) });
      i += number[0].length;
      continue;
    }
    const name = rest.match(/^[a-zπ][a-z0-9]*/i);
    if (name) {
      tokens.push({ kind: 'name', value: name[0].toLowerCase() });
      i += name[0].length;
      continue;
    }
    if ('+-*/^()'.includes(rest[0])) {
      tokens.push({ kind: 'op', value: rest[0] });
      i += 1;
      continue;
    }
    throw new ArithmeticError(`“${rest[0]}” is not part of a number or a formula`);
  }
  return tokens;
}

/** Evaluates an arithmetic expression; throws ArithmeticError if it cannot be read or is not finite. */
export function evaluate(text: string): number {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw new ArithmeticError('there is no number');
  let at = 0;
  const peek = () => tokens[at];
  const isOp = (value: string) => peek()?.kind === 'op' && peek()!.value === value;
  const expect = (value: string) => {
    if (!isOp(value)) throw new ArithmeticError(`expected “${value}”`);
    at++;
  };

  const expression = (): number => {
    let value = term();
    while (isOp('+') || isOp('-')) {
      const op = tokens[at++].value;
      const right = term();
      value = op === '+' ? value + right : value - right;
    }
    return value;
  };
  const term = (): number => {
    let value = unary();
    while (isOp('*') || isOp('/')) {
      const op = tokens[at++].value;
      const right = unary();
      value = op === '*' ? value * right : value / right;
    }
    return value;
  };
  // Unary minus binds looser than ^, as in mathematics: -2^2 = -4.
  const unary = (): number => {
    if (isOp('-')) {
      at++;
      return -unary();
    }
    if (isOp('+')) {
      at++;
      return unary();
    }
    return power();
  };
  const power = (): number => {
    const base = primary();
    if (isOp('^')) {
      at++;
      return base ** unary();
    }
    return base;
  };
  const primary = (): number => {
    const token = peek();
    if (!token) throw new ArithmeticError('the formula ends too early');
    if (token.kind === 'number') {
      at++;
      return token.value;
    }
    if (token.kind === 'name') {
      at++;
      const fn = FUNCTIONS[token.value];
      if (fn) {
        expect('(');
        const argument = expression();
        expect(')');
        return fn(argument);
      }
      if (token.value in CONSTANTS) return CONSTANTS[token.value];
      throw new ArithmeticError(
        `“${token.value}” is not a number or a known function (known: ${Object.keys(FUNCTIONS).join(', ')}, pi, e)`,
      );
    }
    if (token.value === '(') {
      at++;
      const value = expression();
      expect(')');
      return value;
    }
    throw new ArithmeticError(`“${token.value}” cannot start a number`);
  };

  const value = expression();
  if (at < tokens.length) {
    const extra = tokens[at];
    throw new ArithmeticError(`unexpected “${extra.kind === 'number' ? String(extra.value) : extra.value}” after a complete number`);
  }
  if (!Number.isFinite(value)) throw new ArithmeticError('the result is not a finite number');
  return value;
}
