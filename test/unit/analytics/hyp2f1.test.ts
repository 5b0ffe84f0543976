import { hyp2f1 } from '../../../src/analytics/models/hyp2f1';
import { nelderMead } from '../../../src/numeric/nelder-mead';

describe('hyp2f1 against closed forms', () => {
  it.each([0, 0.1, 0.5, 0.9, 0.99])('z = %s', (z) => {
    // 2F1(1, 1; 2; z) = −ln(1 − z)/z
    expect(hyp2f1(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log(1 - z) / z, 12);
    // 2F1(a, b; b; z) = (1 − z)^−a
    expect(hyp2f1(0.7, 2.3, 2.3, z)).toBeCloseTo((1 - z) ** -0.7, 10);
    // 2F1(1/2, 1; 3/2; −…) family: 2F1(1/2, 1/2; 3/2; z²) = arcsin(z)/z
    const w = Math.sqrt(z);
    expect(hyp2f1(0.5, 0.5, 1.5, z)).toBeCloseTo(z === 0 ? 1 : Math.asin(w) / w, 10);
  });

  it('is a polynomial when a is a non-positive integer: 2F1(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))', () => {
    const [b, c, z] = [1.5, 2.5, 0.4];
    expect(hyp2f1(-2, b, c, z)).toBeCloseTo(1 - (2 * b * z) / c + (b * (b + 1) * z * z) / (c * (c + 1)), 14);
  });

  it('refuses z outside [0, 1)', () => {
    expect(() => hyp2f1(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1(1, 1, 2, -0.1)).toThrow(RangeError);
  });
});

describe('Nelder–Mead', () => {
  it('finds the minimum of the Rosenbrock function', () => {
    const rosenbrock = ([x, y]: number[]) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
    const result = nelderMead(rosenbrock, [-1.2, 1]);
    expect(result.converged).toBe(true);
    expect(result.x[0]).toBeCloseTo(1, 4);
    expect(result.x[1]).toBeCloseTo(1, 4);
  });

  it('treats NaN as +∞ and walks away from it', () => {
    const f = ([x]: number[]) => (x < 0 ? NaN : (x - 2) ** 2);
    expect(nelderMead(f, [0.1]).x[0]).toBeCloseTo(2, 4);
  });
});
