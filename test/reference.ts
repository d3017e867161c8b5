/**
 * Independent reference computations the integration tests check the product against. Written from the
 * textbook formulas, deliberately not importing src/core/stats: a shared bug must not pass its own test.
 */

/** Two-sided 95% normal quantile, Φ⁻¹(0.975). */
const Z95 = 1.959963984540054;

/** Wilson score interval for k events out of n (Wilson 1927; Newcombe 1998, method 3). */
export function wilsonInterval(events: number, total: number, z = Z95): [number, number] {
  const p = events / total;
  const z2 = z * z;
  const denominator = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denominator;
  const halfWidth = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denominator;
  // At 0 events (or all) the bound is exactly 0 (or 1): centre and half-width are equal, up to float rounding.
  return [events === 0 ? 0 : centre - halfWidth, events === total ? 1 : centre + halfWidth];
}

/**
 * Complementary error function, Numerical Recipes' `erfcc` (Chebyshev fit, fractional error < 1.2e-7):
 * good enough to tell p < 0.05 from p ≥ 0.05, and independent of the product's implementation.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z -
    1.26551223 +
    t *
      (1.00002368 +
        t *
          (0.37409196 +
            t *
              (0.09678418 +
                t *
                  (-0.18628806 +
                    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const result = t * Math.exp(poly);
  return x >= 0 ? result : 2 - result;
}

/** Two-sided p-value of the pooled two-proportion z-test of k1/n1 against k2/n2. */
export function twoProportionPValue(k1: number, n1: number, k2: number, n2: number): number {
  const pooled = (k1 + k2) / (n1 + n2);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  if (standardError === 0) {
    return 1;
  }
  const z = (k1 / n1 - k2 / n2) / standardError;
  return erfc(Math.abs(z) / Math.SQRT2);
}
