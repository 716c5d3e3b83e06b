package io.lrpipeline.lrctl;

import java.math.BigDecimal;
import java.math.MathContext;

/** How lrctl prints a rate or a metric: 6 significant digits, no trailing zeros (0.045, 0.0423, 0.0373763). */
final class Rates {
    private Rates() {}

    static String shown(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return String.valueOf(value);
        }
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(6)).stripTrailingZeros().toString();
    }
}
