// Prices compared as decimal strings, never as floats: parseFloat("0.1") + parseFloat("0.2") style errors
// would merge or misorder levels of small-tick contracts. The one product decimal module is shared/decimal.ts.

export { canonicalDecimal, compareDecimals, isZeroDecimal } from "../../shared/decimal.ts";
