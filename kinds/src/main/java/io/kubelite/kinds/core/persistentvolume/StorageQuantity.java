package io.kubelite.kinds.core.persistentvolume;

import io.kubelite.api.Quantity;
import io.kubelite.api.QuantityFormatException;
import io.kubelite.kinds.validation.FieldErrors;
import java.math.BigDecimal;
import java.util.Map;

/**
 * The {@code storage} entry of a volume's capacity or a claim's requests: kube requires it, as
 * a positive quantity, and compares volumes and claims by it.
 */
public final class StorageQuantity {
    /** kube's {@code core.ResourceStorage}. */
    public static final String STORAGE = "storage";

    private StorageQuantity() {}

    /** The storage quantity's value in bytes, or -1 when it is absent or not a quantity. */
    public static BigDecimal of(Map<String, String> resources) {
        String q = resources.get(STORAGE);
        if (q == null) {
            return BigDecimal.valueOf(-1);
        }
        try {
            return Quantity.parse(q);
        } catch (QuantityFormatException e) {
            return BigDecimal.valueOf(-1);
        }
    }

    /** kube's {@code ValidatePositiveQuantityValue} of a present storage quantity at {@code field}. */
    public static void validatePositive(String value, String field, FieldErrors errs) {
        try {
            if (Quantity.parse(value).signum() <= 0) {
                errs.invalid(field, value, "must be greater than zero");
            }
        } catch (QuantityFormatException e) {
            errs.invalid(field, value, e.getMessage());
        }
    }
}
