package io.kubelite.kinds.core.resourcequota;

import io.kubelite.api.Quantity;
import java.math.BigDecimal;

/**
 * A resource quantity with the format kube keeps for it (binary SI for {@code 128Mi}, decimal
 * otherwise), so a sum prints as kube prints it: {@code 256Mi}, {@code 1500m}, {@code 3}.
 */
public record Amount(BigDecimal value, boolean binary) {
    public static final Amount ZERO = new Amount(BigDecimal.ZERO, false);

    /** The amount written as {@code text}; {@link io.kubelite.api.QuantityFormatException} when it is no quantity. */
    public static Amount parse(String text) {
        return new Amount(Quantity.parse(text), Quantity.isBinary(text));
    }

    public static Amount count(long n) {
        return new Amount(BigDecimal.valueOf(n), false);
    }

    /** The sum, in this amount's format unless this is zero (kube's {@code Quantity.Add}). */
    public Amount plus(Amount o) {
        return new Amount(value.add(o.value), value.signum() == 0 ? o.binary : binary);
    }

    public Amount minus(Amount o) {
        return new Amount(value.subtract(o.value), value.signum() == 0 ? o.binary : binary);
    }

    public Amount max(Amount o) {
        return o.value.compareTo(value) > 0 ? o : this;
    }

    public int compareTo(Amount o) {
        return value.compareTo(o.value);
    }

    public boolean isZero() {
        return value.signum() == 0;
    }

    /** kube's canonical text ({@code Quantity.String()}). */
    @Override
    public String toString() {
        return Quantity.format(value, binary);
    }
}
